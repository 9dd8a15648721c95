using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Cluster;

/// <summary>How a process that hosts no grains (an API instance in client mode) joins the cluster.</summary>
public static class UploadClientConfiguration
{
    public static IClientBuilder AddUploadClient(this IClientBuilder client, IConfiguration configuration)
    {
        var cluster = ClusterSettings.From(configuration);
        if (cluster.UsesRedis)
        {
            client.UseRedisClustering(cluster.RedisConnectionString);
            client.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
        }
        else
        {
            client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
        }

        client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = cluster.ResponseTimeout);
        client.AddOutgoingGrainCallFilter(new RefusedCallRetryFilter(cluster.FailoverWait));

        // How soon a client notices silos that joined or left (GatewayListRefreshPeriod, ...).
        client.Services.Configure<GatewayOptions>(configuration.GetSection("Cluster:Gateway"));
        client.AddMemoryStreams(UploadStreams.Provider);
        return client;
    }
}
