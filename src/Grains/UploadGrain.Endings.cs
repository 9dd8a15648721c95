using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>How an upload ends: completed (by its writer, or once all its bytes are found stored), failed, cancelled or deleted.</summary>
public sealed partial class UploadGrain
{
    public async Task<UploadStatus> CompleteAsync(Guid leaseId, long offset, string sha256, bool nothingToProcess = false, CancellationToken cancellationToken = default)
    {
        if (_lease is not { } lease || lease.Id != leaseId || Upload.State.IsTerminal())
        {
            return Snapshot();
        }

        if (Upload.TotalBytes is { } total && offset != total)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Upload of {total} bytes cannot complete at {offset}.");
        }

        try
        {
            Upload.TotalBytes ??= offset;
            AcceptStored(offset);
            Upload.BytesReceived = offset;
            Upload.Sha256 = sha256;
            if (nothingToProcess && Upload.Parts is null && !Upload.Partial)
            {
                // The writer checked the bytes before its own were stored and no processor applies:
                // verifying would only find them all there again. Its lease ends with this write.
                Upload.Writer = null;
                await FinishAsync(UploadState.Completed, error: null);
            }
            else
            {
                await BeginVerifyingAsync();
            }
        }
        finally
        {
            EndLease(lease);
        }

        return Snapshot();
    }

    public async Task<UploadStatus> CompleteStoredAsync(string sha256, CancellationToken cancellationToken = default)
    {
        if (AllStored)
        {
            Upload.Sha256 = sha256;
            await BeginVerifyingAsync();
        }

        return Snapshot();
    }

    public async Task<UploadStatus> FailAsync(string error, CancellationToken cancellationToken = default)
    {
        if (Upload.Exists && !Upload.State.IsTerminal())
        {
            StopWriterNow(StopReason.Finished);
            await FinishAsync(UploadState.Failed, error);
        }

        return Snapshot();
    }

    public async Task<UploadStatus?> CancelAsync(string owner, CancellationToken cancellationToken = default)
    {
        if (!VisibleTo(owner))
        {
            return null;
        }

        if (Upload.State.IsGone())
        {
            return Snapshot();
        }

        if (Upload.State == UploadState.Completed)
        {
            await FinishAsync(UploadState.Deleted, error: null);
            return Snapshot();
        }

        _lease?.RequestStop(StopReason.Cancelled);
        await FinishAsync(UploadState.Cancelled, error: null);
        await CancelPartsAsync();

        // The caller deletes the stored bytes next, so the writer must have stopped writing first.
        await StopWriterAsync(StopReason.Cancelled);
        return Snapshot();
    }

    /// <summary>The one way into a terminal state: persisted, published, and off the owner's list of unfinished uploads.</summary>
    private async Task FinishAsync(UploadState final, string? error)
    {
        StopTrailingProgress();
        _rate.Stop();
        Upload.State = final;
        Upload.Error = error;
        Upload.EndedAt = clock.GetUtcNow();
        Upload.CompletedAt = final == UploadState.Completed ? Upload.EndedAt : Upload.CompletedAt;
        PlanWebhooks(final);
        await PersistAndPublishAsync();

        // What is owed outside goes first: the webhooks' reminder and queue, and the quota's bytes.
        StopProcessingWatch();
        await ResumeWebhooksAsync();
        if (Upload.HoldsBytes && final != UploadState.Completed)
        {
            // A completed file keeps its bytes (and its place in the quota) until it is deleted.
            await GrainFactory.GetGrain<IStorageQuotaGrain>(Upload.Quota ?? Upload.Owner).ReleaseAsync(UploadId);
        }

        await Catalog.RemoveAsync(UploadId);
        if (Upload.Quota is { } quota)
        {
            await GrainFactory.GetGrain<IUploadCatalogGrain>(quota).RemoveAsync(UploadId);
        }


        await ScheduleEndingAsync();
        if (final != UploadState.Completed)
        {
            await QueueAsync(UploadQueues.Discarded);
        }
    }

    /// <summary>Every byte is committed and durable, no writer is attached, and yet the upload is not complete.</summary>
    private bool AllStored =>
        Upload.Exists && Upload.State is UploadState.Created or UploadState.Uploading or UploadState.Paused
        && _lease is null && Upload.Parts is null && Upload.TotalBytes is { } total && _durable.BytesReceived == total;

    /// <summary>Asks the API for work on the stored bytes that a grain does not do itself.</summary>
    private Task QueueAsync(string queue) => GrainFactory.GetGrain<IUploadQueueGrain>(queue).AddAsync(UploadId);
}
