using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansUploads.Api.Hosting;

/// <summary>The cluster answers a call within a few seconds (a silo that is up, reachable from here).</summary>
public sealed class ClusterReadiness(IGrainFactory grains) : IHealthCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var silos = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(Patience, cancellationToken);
            return silos.Count > 0 ? HealthCheckResult.Healthy($"{silos.Count} silo(s) active") : HealthCheckResult.Unhealthy("No silo is active.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The cluster does not answer.", exception);
        }
    }
}
