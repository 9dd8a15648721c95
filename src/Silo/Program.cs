using Microsoft.Extensions.Hosting;
using OrleansUploads.Cluster;

var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.AddUploadGrains(builder.Configuration));
await builder.Build().RunAsync();
