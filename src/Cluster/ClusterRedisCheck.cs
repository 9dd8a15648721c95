using System.Net;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace OrleansUploads.Cluster;

/// <summary>
/// A cluster's Redis, tried once before the host starts. Without it no silo joins and no client finds
/// a gateway; Orleans would find out mid-start and end the process with a crash's stack trace.
/// </summary>
public static class ClusterRedisCheck
{
    /// <exception cref="StartRefusedException">Clustering is in Redis, and Redis does not answer.</exception>
    public static async Task CheckClusterRedisAsync(this IConfiguration configuration)
    {
        var cluster = ClusterSettings.From(configuration);
        if (!string.Equals(cluster.Clustering, "redis", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        const string Setting = $"{ClusterSettings.Section}:{nameof(ClusterSettings.RedisConnectionString)}";
        var options = StartSettings.Parse(Setting, cluster.RedisConnectionString, ConfigurationOptions.Parse);
        // A connection string may say abortConnect=false (Azure's hosts do by default): this check must still fail.
        options.AbortOnConnectFail = true;
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        }
        catch (RedisConnectionException unreachable)
        {
            // The endpoints alone are named: the connection string may hold a password.
            var where = string.Join(", ", options.EndPoints.Select(endpoint => endpoint is DnsEndPoint named ? $"{named.Host}:{named.Port}" : endpoint.ToString()));
            throw new StartRefusedException($"Redis at {where} ({Setting}) cannot be reached: start it, or set {Setting} to where it runs.", unreachable);
        }
    }
}
