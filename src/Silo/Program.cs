using Microsoft.Extensions.Hosting;
using OrleansUploads.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.AddUploadGrains(builder.Configuration));
await builder.Build().RunAsync();
