using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Does the work on stored bytes that grains queue for the API (<see cref="UploadQueues"/>): deletes
/// the bytes of uploads that ended without completing (expired ones need it; cancelled and failed ones
/// were deleted already, unless that was interrupted), and completes uploads whose bytes all arrived
/// but whose writer died, and wakes uploads whose webhooks still wait for their outcome. An item that
/// fails stays queued for the next sweep; the rest go on.
/// </summary>
public sealed class UploadQueueSweeper(
    IGrainFactory grains, IUploadStore store, StoredCompletion completion, TimeProvider clock, IOptions<UploadApiOptions> options, ILogger<UploadQueueSweeper> logger)
    : BackgroundService
{
    private const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await SweepAsync(UploadQueues.Discarded, (uploadId, cancellationToken) => store.DeleteAsync(uploadId, cancellationToken), stoppingToken);
            await SweepAsync(UploadQueues.Completing, CompleteAsync, stoppingToken);
            await WakeAsync(UploadQueues.Notifying, stoppingToken);
        }
    }

    /// <summary>
    /// Uploads with an outcome still to deliver to webhooks: asking for their status wakes their grain,
    /// which goes on delivering (a restart may have lost its reminder). Those with nothing left to
    /// deliver (a grain's own removal was lost) leave the queue here, so they never crowd it.
    /// </summary>
    private async Task WakeAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            var pending = grains.GetGrain<IUploadQueueGrain>(queue);
            var done = new List<string>();
            foreach (var uploadId in await pending.PeekAsync(Batch, cancellationToken))
            {
                if (await grains.GetGrain<IUploadGrain>(uploadId).PeekAsync(cancellationToken) is not { Webhook.State: "pending" })
                {
                    done.Add(uploadId);
                }
            }

            await pending.RemoveAsync(done, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Waking the {Queue} uploads failed; trying again next time", queue);
        }
    }

    private async Task SweepAsync(string queue, Func<string, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        try
        {
            var pending = grains.GetGrain<IUploadQueueGrain>(queue);
            var failed = new HashSet<string>();
            int fresh;
            do
            {
                // Only grains list themselves in a queue, under ids this service minted.
                var ids = (await pending.PeekAsync(Batch + failed.Count, cancellationToken)).Where(id => !failed.Contains(id)).ToList();
                fresh = ids.Count;
                var done = new List<string>();
                foreach (var uploadId in ids)
                {
                    if (await TryAsync(queue, uploadId, work, cancellationToken))
                    {
                        done.Add(uploadId);
                    }
                    else
                    {
                        failed.Add(uploadId);
                    }
                }

                await pending.RemoveAsync(done, cancellationToken);
            }
            while (fresh == Batch);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Sweeping the {Queue} uploads failed; trying again next time", queue);
        }
    }

    private async Task<bool> TryAsync(string queue, string uploadId, Func<string, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await work(uploadId, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Work on {Queue} upload {UploadId} failed; it stays queued", queue, uploadId);
            return false;
        }
    }

    private async Task CompleteAsync(string uploadId, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IUploadGrain>(uploadId);
        if (await grain.PeekAsync(cancellationToken) is { } status)
        {
            await completion.CompleteIfAllStoredAsync(grain, status);
        }
    }
}
