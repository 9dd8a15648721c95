using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Deletes the stored bytes of uploads that ended without completing. Expired uploads need it (the
/// grain expires on its own and grains do not touch storage); cancelled and failed ones were deleted
/// already, unless that was interrupted.
/// </summary>
public sealed class DiscardedUploadSweeper(IGrainFactory grains, IUploadStore store, TimeProvider clock, IOptions<UploadApiOptions> options, ILogger<DiscardedUploadSweeper> logger)
    : BackgroundService
{
    private const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Deleting discarded uploads failed; trying again next time");
            }
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var discarded = grains.GetGrain<IDiscardedUploadsGrain>(IDiscardedUploadsGrain.Key);
        IReadOnlyList<string> ids;
        do
        {
            ids = await discarded.PeekAsync(Batch, cancellationToken);
            // Only grains list themselves here, under ids this service minted.
            foreach (var uploadId in ids)
            {
                await store.DeleteAsync(uploadId, cancellationToken);
            }

            await discarded.RemoveAsync(ids, cancellationToken);
        }
        while (ids.Count == Batch);
    }
}
