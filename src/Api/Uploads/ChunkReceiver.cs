using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Stores a request body into an upload: the grain grants the lease (or says why not), the body
/// streams into storage (<see cref="ChunkWrite"/>), and the grain hears how it ended. Bytes are
/// flushed to storage before each report, so no offset the grain commits runs ahead of the data.
/// </summary>
public sealed class ChunkReceiver(
    UploadLookup lookup,
    IGrainFactory grains,
    IUploadStore store,
    UploadProcessing processing,
    UploadCounters counters,
    UploadDrain drain,
    IOptions<UploadApiOptions> options,
    ILogger<ChunkReceiver> logger)
{
    public Task<ChunkOutcome> ReceiveAsync(ChunkRequest request, CancellationToken requestAborted) =>
        CountedAsync(request.UploadId, () => ReceiveCountedAsync(request, requestAborted));

    /// <summary>A body being stored counts as writing, and everything logged meanwhile names its upload.</summary>
    private async Task<ChunkOutcome> CountedAsync(string uploadId, Func<Task<ChunkOutcome>> store)
    {
        using var writing = counters.Writing();
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["UploadId"] = uploadId });
        var outcome = await store();
        counters.CountOutcome(outcome.Result);
        return outcome;
    }

    /// <summary>
    /// Creation with a body (tus creation-with-upload): the upload is created with this body's writer
    /// already holding its lease, then the body is stored like any other. <paramref name="firstBody"/>
    /// takes the new upload's id, which <paramref name="created"/> hears first; the outcome is null when
    /// the creation was refused.
    /// </summary>
    public async Task<(Admission Admission, ChunkOutcome? Outcome)> CreateAndReceiveAsync(
        UploadAdmission admission, UploadCreation creation, ChunkRequest firstBody, Action<string> created, CancellationToken requestAborted)
    {
        using var writer = new UploadWriter(firstBody.OnCommitted);
        var writerReference = writer.ReferenceIn(grains);
        try
        {
            var admitted = await admission.CreateAsync(creation, requestAborted, (writerReference, firstBody.BodyLength));
            if (admitted is not { Created.Id: { } id, FirstGrant: { } grant })
            {
                return (admitted, null);
            }

            created(id);
            return (admitted, await CountedAsync(id, () => WriteGrantedAsync(lookup.GrainOf(id)!, grant, firstBody with { UploadId = id }, writer, requestAborted)));
        }
        finally
        {
            grains.DeleteObjectReference<IUploadWriter>(writerReference);
        }
    }

    private async Task<ChunkOutcome> ReceiveCountedAsync(ChunkRequest request, CancellationToken requestAborted)
    {
        if (lookup.GrainOf(request.UploadId) is not { } grain)
        {
            return new ChunkOutcome(ChunkResult.NotFound, null);
        }

        using var writer = new UploadWriter(request.OnCommitted);
        var writerReference = writer.ReferenceIn(grains);
        try
        {
            var grant = await grain.AcquireLeaseAsync(request.Offset, writerReference, request.Owner, request.BodyLength, request.DeclaredLength, CancellationToken.None);
            return await WriteGrantedAsync(grain, grant, request, writer, requestAborted);
        }
        finally
        {
            grains.DeleteObjectReference<IUploadWriter>(writerReference);
        }
    }

    /// <summary>
    /// Stores the body under the lease the grain granted, or answers why it was refused; an upload
    /// whose last byte it stored is completed, or goes on to verifying and processing.
    /// </summary>
    private async Task<ChunkOutcome> WriteGrantedAsync(IUploadGrain grain, LeaseGrant grant, ChunkRequest request, UploadWriter writer, CancellationToken requestAborted)
    {
        if (grant.LeaseId is null)
        {
            // The last request again (its answer was lost): the same answer, and nothing stored or processed twice.
            return IsLastChunkAgain(request, grant.Status)
                ? await ProcessedAsync(grain, grant.Status!)
                : new ChunkOutcome(ChunkOutcome.OfRefusal(grant.Refusal), grant.Status);
        }

        var outcome = await WriteAsync(grain, grant, request, writer, requestAborted);
        return outcome.Status is { } stored && stored.State.IsAfterBytes() ? await ProcessedAsync(grain, stored) : outcome;
    }

    /// <summary>Every way out of a granted lease releases it, failures of storage or of the cluster included.</summary>
    private async Task<ChunkOutcome> WriteAsync(IUploadGrain grain, LeaseGrant grant, ChunkRequest request, UploadWriter writer, CancellationToken requestAborted)
    {
        ChunkWrite? write = null;
        try
        {
            if (await FailIfDataLostAsync(grain, request.UploadId, grant.Status!) is { } lost)
            {
                return lost;
            }

            write = await ChunkWrite.OpenAsync(grain, grant, request, store, counters, options.Value.ReportInterval, processing.HasWorkAfterBytes);
            return await StoreBodyAsync(write, request, writer, requestAborted);
        }
        catch (Exception exception)
        {
            if (await AbandonAfterFailureAsync(exception, grain, grant, write, request.UploadId) is { } outcome)
            {
                return outcome;
            }

            throw;
        }
        finally
        {
            if (write is not null)
            {
                await write.DisposeAsync();
            }
        }
    }

    /// <summary>Copies the body into storage until it ends, the grain stops the writer, or the drain's deadline cuts it.</summary>
    private async Task<ChunkOutcome> StoreBodyAsync(ChunkWrite write, ChunkRequest request, UploadWriter writer, CancellationToken requestAborted)
    {
        // Not the request's abort: Kestrel fires it as soon as the client closes, even in the normal way
        // right after its last byte, while bytes it received are still unread. The body itself ends
        // as the client left it (whole, or cut short with an error), so every byte that arrived is stored.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(writer.Stopping, drain.Deadline);
        var outcome = await write.SettleAsync(await write.CopyBodyAsync(stopping.Token), writer);
        if (IsDrainCut(outcome, writer, requestAborted))
        {
            // Cut by this instance on its way out, not left by the client nor stopped by the grain: it hears where to resume.
            return outcome with { Result = ChunkResult.Draining };
        }

        if (outcome.Result is ChunkResult.Disconnected or ChunkResult.TooSlow)
        {
            logger.LogDebug("Body of upload {UploadId} ended early at {Offset} ({Result})", request.UploadId, outcome.Status?.BytesReceived, outcome.Result);
        }

        return outcome;
    }

    /// <summary>
    /// Releases the lease after a write failed, keeping what was reported or durably stored; the outcome a
    /// client can act on (superseded, storage full or unavailable), or null for a failure the caller rethrows.
    /// </summary>
    private async Task<ChunkOutcome?> AbandonAfterFailureAsync(Exception exception, IUploadGrain grain, LeaseGrant grant, ChunkWrite? write, string uploadId)
    {
        var kept = write is not null ? await write.AbandonAsync() : await grain.ReleaseAfterFailureAsync(grant.LeaseId!.Value, grant.Status!.BytesReceived);
        if (exception is StaleWriterException)
        {
            // Its lease was taken while it could not hear: the newer writer's bytes stand.
            return new ChunkOutcome(ChunkResult.Superseded, kept ?? grant.Status);
        }

        if (StorageFailure.IsFull(exception) || StorageFailure.IsUnavailable(exception))
        {
            logger.LogWarning("Storage failed for upload {UploadId}; kept {Offset} bytes: {Error}", uploadId, kept?.BytesReceived, exception.Message);
            return new ChunkOutcome(StorageFailure.IsFull(exception) ? ChunkResult.StorageFull : ChunkResult.StorageUnavailable, kept ?? grant.Status);
        }

        return null;
    }

    /// <summary>
    /// The request that stored the last byte (or created a final upload whose parts are complete) answers
    /// with the outcome of processing, when it ends within the wait.
    /// </summary>
    public Task<ChunkOutcome> ProcessedAsync(UploadStatus stored) => ProcessedAsync(lookup.GrainOf(stored.Id)!, stored);

    private async Task<ChunkOutcome> ProcessedAsync(IUploadGrain grain, UploadStatus stored)
    {
        var end = await processing.RunAsync(grain, stored, options.Value.ProcessingWait);
        return new ChunkOutcome(ChunkOutcome.OfProcessing(end), end);
    }

    /// <summary>
    /// The drain's deadline cut the body: it ends as a drop, or as a stop when it fired while a report
    /// was in flight; either way the grain did not ask for it (the writer heard no reason). A takeover
    /// whose stop had not arrived yet looks the same and is answered 503 too; the client resumes from
    /// HEAD either way.
    /// </summary>
    private bool IsDrainCut(ChunkOutcome outcome, UploadWriter writer, CancellationToken requestAborted) =>
        drain.Deadline.IsCancellationRequested && writer.Reason is null && !requestAborted.IsCancellationRequested
        && outcome.Result is ChunkResult.Disconnected or ChunkResult.Superseded;

    private static bool IsLastChunkAgain(ChunkRequest request, UploadStatus? status) =>
        status is { TotalBytes: { } total, State: UploadState.Completed or UploadState.Failed or UploadState.Verifying or UploadState.Processing }
        && status.BytesReceived == total && request.BodyLength is > 0 and var length && request.Offset < total && request.Offset + length == total;

    /// <summary>Resuming over a hole would corrupt the file: an upload whose committed bytes are gone fails.</summary>
    private async Task<ChunkOutcome?> FailIfDataLostAsync(IUploadGrain grain, string uploadId, UploadStatus status)
    {
        var start = status.BytesReceived;
        if (await store.GetLengthAsync(uploadId, CancellationToken.None) is { } stored && stored >= start)
        {
            return null;
        }

        var failed = await grain.FailAsync($"Stored data was lost: {start} bytes were committed but storage holds fewer.");
        return new ChunkOutcome(ChunkResult.DataLost, failed);
    }
}
