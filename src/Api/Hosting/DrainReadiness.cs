using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Not ready once draining: a load balancer stops sending uploads here. A drain is how an instance is
/// meant to leave, no failure, so it is <c>Degraded</c> (which <c>/readyz</c> answers with 503 all the
/// same): the health check service logs an unhealthy check as an error at every probe.
/// </summary>
public sealed class DrainReadiness(UploadDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining ? HealthCheckResult.Degraded("Shutting down: taking no new uploads.") : HealthCheckResult.Healthy());
}
