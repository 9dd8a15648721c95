using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Hosting;

/// <summary>Not ready once draining: a load balancer stops sending uploads here.</summary>
public sealed class DrainReadiness(UploadDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining ? HealthCheckResult.Unhealthy("Shutting down: taking no new uploads.") : HealthCheckResult.Healthy());
}
