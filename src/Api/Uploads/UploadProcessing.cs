using System.Collections.Concurrent;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Hooks;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Takes an upload from verifying to completed or failed: claims its processing from the grain, checks
/// that storage holds every byte, runs each processor that applies as a named stage, and reports the
/// end. It runs beside the request that stored the last byte, which waits for it a while, or from a
/// sweep after the process that began it died. A run already under way here is joined, not repeated.
/// </summary>
public sealed class UploadProcessing(
    IGrainFactory grains, IUploadStore store, IEnumerable<IUploadProcessor> processors, IHostApplicationLifetime lifetime, ILogger<UploadProcessing> logger)
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<string, Lazy<Task>> _running = new();

    /// <summary>Processes the upload (unless that is under way) and waits up to <paramref name="wait"/> for it to end.</summary>
    /// <returns>The upload's status at the end, or when the wait is over.</returns>
    public async Task<UploadStatus> RunAsync(IUploadGrain grain, UploadStatus status, TimeSpan wait)
    {
        if (!status.State.IsAfterBytes())
        {
            return status;
        }

        var run = _running.GetOrAdd(status.Id, id => new Lazy<Task>(() => Task.Run(async () =>
        {
            try
            {
                await ProcessAsync(grain, id);
            }
            finally
            {
                _running.TryRemove(id, out _);
            }
        }))).Value;

        // Processing that another instance holds is waited for by asking the grain.
        using var patience = new CancellationTokenSource(wait);
        try
        {
            await run.WaitAsync(patience.Token);
            while (await grain.PeekAsync() is { } now && now.State.IsAfterBytes())
            {
                await Task.Delay(Poll, patience.Token);
            }
        }
        catch (OperationCanceledException) when (patience.IsCancellationRequested)
        {
            // Not ended in time: the answer says where it is, and events tell the rest.
        }

        return await grain.PeekAsync() ?? status;
    }

    private async Task ProcessAsync(IUploadGrain grain, string uploadId)
    {
        using var holder = new UploadWriter();
        var reference = grains.CreateObjectReference<IUploadWriter>(holder);
        try
        {
            var grant = await grain.ClaimProcessingAsync(reference);
            if (grant.LeaseId is not { } claim)
            {
                return;
            }

            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(holder.Stopping, lifetime.ApplicationStopping);
            var error = await StagesAsync(grain, claim, grant.Status!, stopping);
            if (!stopping.IsCancellationRequested)
            {
                await grain.FinishProcessingAsync(claim, error);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Storage or the cluster failed, not the file: the claim falls silent and a sweep tries again.
            logger.LogWarning(exception, "Processing upload {UploadId} was interrupted; it is tried again later", uploadId);
        }
        catch (OperationCanceledException)
        {
            // Cancelled, or this process is stopping: the claim falls silent and, unless cancelled, a sweep goes on.
        }
        finally
        {
            grains.DeleteObjectReference<IUploadWriter>(reference);
        }
    }

    /// <returns>Why the upload fails, or null when every stage passed.</returns>
    private async Task<string?> StagesAsync(IUploadGrain grain, Guid claim, UploadStatus upload, CancellationTokenSource stopping)
    {
        // Verifying: the bytes the grain committed are all in storage (the digest came with the last byte).
        var stored = await store.GetLengthAsync(upload.Id, stopping.Token) ?? 0;
        if (stored < upload.TotalBytes)
        {
            return $"Stored data was lost: {upload.TotalBytes} bytes were committed but storage holds {stored}.";
        }

        foreach (var processor in processors.Where(p => p.AppliesTo(upload)))
        {
            double? progress = null;
            async Task ReportAsync()
            {
                if (await grain.ReportStageAsync(claim, processor.Name, progress) == WriteVerdict.Stop)
                {
                    await stopping.CancelAsync();
                }
            }

            await ReportAsync();
            stopping.Token.ThrowIfCancellationRequested();
            var context = new UploadProcessingContext(upload, cancellationToken => store.OpenReadAsync(upload.Id, cancellationToken), fraction =>
            {
                progress = fraction;
                return ReportAsync();
            });
            try
            {
                var work = processor.ProcessAsync(context, stopping.Token);
                // The grain drops a holder it has not heard from in a while: say this one is alive.
                while (await Task.WhenAny(work, Task.Delay(Heartbeat, stopping.Token)) != work)
                {
                    await ReportAsync();
                }

                await work;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                return exception.Message;
            }
        }

        return null;
    }
}
