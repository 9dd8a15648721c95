using Microsoft.Extensions.Options;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Drains before the host stops its services, while Kestrel still listens and the cluster still
/// answers: requests in flight can then finish and record their offsets before either goes away.
/// (On SIGTERM the host has raised ApplicationStopping just before, which closes the hub's connections:
/// watchers reconnect to another instance.)
/// </summary>
public sealed class UploadDrainer(UploadDrain drain, IOptions<UploadApiOptions> options, ILogger<UploadDrainer> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var timeout = options.Value.DrainTimeout;
        logger.LogInformation("Draining: taking no new uploads; waiting up to {DrainTimeout} for those in flight", timeout);
        if (await drain.DrainAsync(timeout, cancellationToken))
        {
            logger.LogInformation("Drained: no upload request is in flight");
        }
        else
        {
            logger.LogWarning("Stopping with upload requests still in flight past the drain timeout; their clients resume elsewhere");
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
