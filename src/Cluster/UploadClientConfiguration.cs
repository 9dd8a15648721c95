using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Cluster;

/// <summary>How a process that hosts no grains (an API instance in client mode) joins the cluster.</summary>
/// <remarks>
/// It mirrors the clustering choice in <see cref="UploadSiloConfiguration"/> line for line: a client and
/// a silo are configured through different Orleans builder types that share no interface for these calls.
/// </remarks>
public static class UploadClientConfiguration
{
    public static IClientBuilder AddUploadClient(this IClientBuilder client, IConfiguration configuration)
    {
        var cluster = ClusterSettings.From(configuration);
        if (cluster.UsesRedis)
        {
            client.UseRedisClustering(cluster.RedisConnectionString);
            client.Configure<ClusterOptions>(cluster.Name);
        }
        else
        {
            client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
        }

        client.AddActivityPropagation();
        if (ClusterSettings.DashboardEnabled(configuration))
        {
            client.AddDashboard();
        }

        client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = cluster.ResponseTimeout);
        client.AddOutgoingGrainCallFilter(new RefusedCallRetryFilter(cluster.FailoverWait));

        // How soon a client notices silos that joined or left: Orleans looks once a minute, which leaves
        // an API knowing only dead gateways for that long after a failover. Cluster:Gateway tunes it.
        client.Services.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        client.Services.Bind<GatewayOptions>(configuration, ClusterSettings.GatewaySection);
        client.AddMemoryStreams(UploadStreams.Provider);
        return client;
    }
}
