using Microsoft.Extensions.Configuration;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Silo;

/// <summary>How a process that hosts no grains (an API instance in client mode) joins the cluster.</summary>
public static class UploadClientConfiguration
{
    public static IClientBuilder AddUploadClient(this IClientBuilder client, IConfiguration configuration)
    {
        var cluster = configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
        client.AddMemoryStreams(UploadStreams.Provider);
        return client;
    }
}
