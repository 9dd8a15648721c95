using OrleansUploads.Api.Hosting;
using OrleansUploads.Cluster;

await HostExit.RunAsync(async () =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.WarnOfUnreadSettings(ApiSettings.Read);
    builder.AddUploads();
    await builder.Configuration.CheckClusterRedisAsync();

    await using var app = builder.Build();
    app.MapUploads();
    await app.Services.CheckUploadStoreAsync();
    await app.RunListeningAsync();
});

/// <summary>Visible to tests that host the real application.</summary>
public partial class Program;
