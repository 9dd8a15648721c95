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
    IGrainFactory grains,
    IUploadStore store,
    IEnumerable<IUploadProcessor> processors,
    UploadCounters counters,
    UploadDrain drain,
    ILogger<UploadProcessing> logger)
{
    private static readonly TimeSpan DefaultHeartbeat = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<string, Lazy<Task<UploadStatus?>>> _running = new();

    /// <summary>Processes the upload (unless that is under way) and waits up to <paramref name="wait"/> for it to end.</summary>
    /// <returns>The upload's status at the end, or when the wait is over.</returns>
    public async Task<UploadStatus> RunAsync(IUploadGrain grain, UploadStatus status, TimeSpan wait)
    {
        if (!status.State.IsAfterBytes())
        {
            return status;
        }

        var run = _running.GetOrAdd(status.Id, id => new Lazy<Task<UploadStatus?>>(() => Task.Run(async () =>
        {
            try
            {
                return await ProcessAsync(grain, id);
            }
            finally
            {
                _running.TryRemove(id, out _);
            }
        }))).Value;

        // Processing that another instance holds is waited for by asking the grain.
        // A draining instance answers at its deadline rather than hold the drain open.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(drain.Deadline);
        patience.CancelAfter(wait);
        try
        {
            // The run that ended the upload here knows its end: the grain need not be asked again.
            if (await run.WaitAsync(patience.Token) is { } ended && !ended.State.IsAfterBytes())
            {
                return ended;
            }

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

    /// <summary>
    /// Whether the upload, every byte stored, has work beyond finding them stored: a processor that
    /// applies, or parts to join or to be joined. Without any, the writer of the last byte completes it.
    /// </summary>
    public bool HasWorkAfterBytes(UploadStatus upload) => upload.Concat is not null || processors.Any(p => p.AppliesTo(upload));

    /// <returns>The upload as processing left it, or null when it was not processed here to its end.</returns>
    private async Task<UploadStatus?> ProcessAsync(IUploadGrain grain, string uploadId)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["UploadId"] = uploadId });
        using var holder = new UploadWriter(committed: null);
        var reference = holder.ReferenceIn(grains);
        Guid? claimed = null;
        try
        {
            var grant = await grain.ClaimProcessingAsync(reference);
            if (grant.LeaseId is not { } claim)
            {
                return null;
            }

            claimed = claim;
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(holder.Stopping, drain.Over);
            var error = await StagesAsync(grain, claim, grant, stopping);
            var end = await grain.FinishProcessingAsync(claim, error);
            claimed = null;
            if (end.State == UploadState.Completed && error is null)
            {
                counters.CountFinished();
            }

            await GoOnWithFinalAsync(end);
            return end;
        }
        catch (OperationCanceledException)
        {
            // Cancelled, taken over, or this process is stopping: no outcome from here.
            return null;
        }
        catch (Exception exception)
        {
            // Storage or the cluster failed, not the file: another attempt (a sweep) goes on from verifying.
            logger.LogWarning(exception, "Processing upload {UploadId} was interrupted; it is tried again later", uploadId);
            return null;
        }
        finally
        {
            if (claimed is { } unfinished)
            {
                await LetGoAsync(grain, unfinished, uploadId);
            }

            grains.DeleteObjectReference<IUploadWriter>(reference);
        }
    }

    /// <returns>Why the upload fails, or null when every stage passed.</returns>
    /// <remarks>Only a processor's own failure fails the upload; a failing grain call or store throws instead.</remarks>
    private async Task<string?> StagesAsync(IUploadGrain grain, Guid claim, LeaseGrant grant, CancellationTokenSource stopping)
    {
        var upload = grant.Status!;
        var heartbeat = grant.ReportEvery ?? DefaultHeartbeat;
        if (upload.Concat == "final")
        {
            // A final upload's bytes are its parts', joined here: then it is verified and processed like any other.
            if (await grain.ReportStageAsync(claim, "concatenate") == WriteVerdict.Stop)
            {
                await stopping.CancelAsync();
            }

            var sha256 = await FinalAssembly.JoinAsync(store, upload, grant.Epoch, stopping.Token);
            if (await grain.RecordAssembledAsync(claim, sha256) == WriteVerdict.Stop)
            {
                await stopping.CancelAsync();
            }

            stopping.Token.ThrowIfCancellationRequested();
            upload = upload with { Sha256 = sha256 };
        }

        // Verifying: the bytes the grain committed are all in storage (the digest came with the last byte).
        var stored = await store.GetLengthAsync(upload.Id, stopping.Token) ?? 0;
        if (stored < upload.TotalBytes)
        {
            return $"Stored data was lost: {upload.TotalBytes} bytes were committed but storage holds {stored}.";
        }

        // A partial upload is processed as part of its final upload, not alone.
        foreach (var processor in processors.Where(p => upload.Concat != "partial" && p.AppliesTo(upload)))
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
            var context = new UploadProcessingContext(upload, cancellationToken => store.OpenReadAsync(upload.Id, cancellationToken), async fraction =>
            {
                progress = fraction;
                try
                {
                    await ReportAsync();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // How far a stage got is for show: a report that failed is not the processor's failure.
                    logger.LogDebug(exception, "A stage report of upload {UploadId} failed", upload.Id);
                }
            });
            var work = RunStageAsync(processor, context, stopping.Token);

            // The grain drops a holder it has not heard from in a while: say this one is alive.
            while (await Task.WhenAny(work, Task.Delay(heartbeat, stopping.Token)) != work)
            {
                await ReportAsync();
            }

            if (await work is { } failure)
            {
                return failure;
            }
        }

        return null;
    }

    /// <returns>The processor's failure, as the upload's reason; null when it passed.</returns>
    private static async Task<string?> RunStageAsync(IUploadProcessor processor, UploadProcessingContext context, CancellationToken stopping)
    {
        try
        {
            await processor.ProcessAsync(context, stopping);
            return null;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            return exception.Message;
        }
    }

    /// <summary>The last part of a final upload created before it completed: the final upload is processed next.</summary>
    private async Task GoOnWithFinalAsync(UploadStatus part)
    {
        if (part is { Concat: "partial", State: UploadState.Completed, Parts: [var finalId] }
            && grains.GetGrain<IUploadGrain>(finalId) is var final && await final.PeekAsync() is { } status && status.State.IsAfterBytes())
        {
            await RunAsync(final, status, TimeSpan.Zero);
        }
    }

    private async Task LetGoAsync(IUploadGrain grain, Guid claim, string uploadId)
    {
        try
        {
            await grain.LetGoOfProcessingAsync(claim);
        }
        catch (Exception exception)
        {
            // The claim then falls silent, and the grain drops it.
            logger.LogDebug(exception, "Letting go of processing upload {UploadId} failed", uploadId);
        }
    }
}
