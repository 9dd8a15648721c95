using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansUploads.Cluster;
using StackExchange.Redis;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Redis answers a ping. It holds the cluster's membership and grain state, so without it no silo
/// can join and no upload's state can be read or stored, even while calls still reach running silos.
/// </summary>
public sealed class RedisReadiness(IConfiguration configuration) : IHealthCheck, IDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _redis = new(() => ConnectAsync(configuration));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await (await _redis.Value).GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"ping {latency.TotalMilliseconds:0.#} ms");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", exception);
        }
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(IConfiguration configuration)
    {
        var options = ConfigurationOptions.Parse(ClusterSettings.From(configuration).RedisConnectionString);
        // Ready or not is asked again in a moment: a ping must fail fast, and the connection come back by itself.
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.AsyncTimeout = 2000;
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    public void Dispose()
    {
        if (_redis.IsValueCreated && _redis.Value.IsCompletedSuccessfully)
        {
            _redis.Value.Result.Dispose();
        }
    }
}
