using Microsoft.Extensions.Hosting;
using OrleansUploads.Cluster;

await HostExit.RunAsync(async () =>
{
    var builder = Host.CreateApplicationBuilder(args);
    // Only the cluster's sections: the others (Uploads, Storage) also hold the API's settings in a shared file.
    builder.WarnOfUnreadSettings(SettingsRead.OfCluster);
    builder.UseOrleans(silo => silo.AddUploadGrains(builder.Configuration));
    await builder.Configuration.CheckClusterRedisAsync();
    await builder.Build().RunAsync();
});
