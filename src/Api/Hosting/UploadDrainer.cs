using Microsoft.Extensions.Options;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Drains in the host's first step of stopping, while Kestrel still listens and the cluster still
/// answers: requests in flight can then finish and record their offsets before anything goes away.
/// </summary>
public sealed class UploadDrainer(UploadDrain drain, IOptions<UploadApiOptions> options, ILogger<UploadDrainer> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.DrainTimeout;
        logger.LogInformation("Draining: taking no new uploads; waiting up to {DrainTimeout} for those in flight", timeout);
        try
        {
            await drain.DrainAsync(timeout, cancellationToken);
            logger.LogInformation("Drained: no upload request is in flight");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The host's shutdown timeout ended the drain with upload requests still in flight");
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
