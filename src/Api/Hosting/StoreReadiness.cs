using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansUploads.Api.Storage;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Hosting;

/// <summary>The store takes a write: an empty probe upload is created and deleted, as a real one would be.</summary>
public sealed class StoreReadiness(IUploadStore store) : IHealthCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = UploadId.New();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Patience);
            await store.CreateAsync(probe, timeout.Token);
            await store.DeleteAsync(probe, timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The store cannot be written.", exception);
        }
    }
}
