using Microsoft.Extensions.Hosting;
using OrleansUploads.Cluster;

await HostExit.RunAsync(async () =>
{
    var builder = Host.CreateApplicationBuilder(args);
    builder.UseOrleans(silo => silo.AddUploadGrains(builder.Configuration));
    await builder.Configuration.CheckClusterRedisAsync();
    await builder.Build().RunAsync();
});
