using System.Buffers;
using System.Security.Cryptography;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Streams a request body into storage under the upload's lease, reporting stored bytes to the
/// grain as they land. Bytes are flushed to storage before each report, so no offset the grain
/// commits runs ahead of the data; nothing larger than one read is held in memory.
/// </summary>
public sealed class ChunkReceiver(
    IGrainFactory grains, IUploadStore store, UploadCounters counters, IOptions<UploadApiOptions> options, ILogger<ChunkReceiver> logger)
{
    private readonly TimeSpan _reportInterval = options.Value.ReportInterval;

    public async Task<ChunkOutcome> ReceiveAsync(ChunkRequest request, CancellationToken requestAborted)
    {
        var grain = grains.GetGrain<IUploadGrain>(request.UploadId);
        using var writer = new UploadWriter();
        var writerReference = grains.CreateObjectReference<IUploadWriter>(writer);
        try
        {
            var grant = await grain.AcquireLeaseAsync(request.Offset, writerReference, request.Owner, CancellationToken.None);
            if (grant.LeaseId is not { } leaseId)
            {
                return new ChunkOutcome(Refusal(grant.Refusal), grant.Status);
            }

            var start = grant.Status!.BytesReceived;
            if (await store.GetLengthAsync(request.UploadId, CancellationToken.None) is not { } stored || stored < start)
            {
                var failed = await grain.FailAsync($"Stored data was lost: {start} bytes were committed but storage holds fewer.");
                return new ChunkOutcome(ChunkResult.DataLost, failed);
            }

            return await WriteUnderLeaseAsync(grain, leaseId, grant.Status, request, writer, requestAborted);
        }
        finally
        {
            grains.DeleteObjectReference<IUploadWriter>(writerReference);
        }
    }

    private async Task<ChunkOutcome> WriteUnderLeaseAsync(
        IUploadGrain grain, Guid leaseId, UploadStatus status, ChunkRequest request, UploadWriter writer, CancellationToken requestAborted)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, writer.Stopping);
        using var hash = request.Checksum?.StartHash();
        var limit = status.TotalBytes ?? request.Limit;
        var start = status.BytesReceived;
        // A body that starts at the beginning is hashed as it passes, so completing it needs no re-read.
        using var fileHash = start == 0 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        long position = start;
        bool ended = false, overflow = false, stopped = false, tooSlow = false;

        await using var file = await store.OpenAppendAsync(request.UploadId, start, CancellationToken.None);
        var progress = new ProgressReporter(grain, leaseId, file, start, _reportInterval, counters);
        // Wakes the read loop when a client pauses mid-body with bytes not yet reported, so what is
        // stored gets committed anyway. With nothing to report it leaves the read alone, so Kestrel's
        // minimum data rate can still cut a client that stalls.
        var wakeUp = new Timer(_ =>
        {
            if (hash is null && request.WakeOnPause && Interlocked.Read(ref position) > progress.Reported)
            {
                request.Body.CancelPendingRead();
            }
        }, null, _reportInterval, _reportInterval);
        try
        {
            while (!stopped)
            {
                var read = await request.Body.ReadAsync(stopping.Token);
                var buffer = read.Buffer;
                if (position + buffer.Length > limit)
                {
                    overflow = true;
                    request.Body.AdvanceTo(buffer.Start, buffer.End);
                    break;
                }

                foreach (var segment in buffer)
                {
                    await file.WriteAsync(segment, CancellationToken.None);
                    hash?.AppendData(segment.Span);
                    fileHash?.AppendData(segment.Span);
                }

                position += buffer.Length;
                counters.CountStored(buffer.Length);
                request.Body.AdvanceTo(buffer.End);
                if (read.IsCompleted)
                {
                    ended = true;
                    break;
                }

                // A chunk with a checksum commits nothing until it is verified whole.
                if (hash is null && progress.Due(position))
                {
                    stopped = await progress.ReportAsync(position);
                }
            }
        }
        catch (Exception exception) when (IsRequestEnd(exception, stopping.Token))
        {
            // The client left, sent too slowly (Kestrel's minimum data rate) or the grain said stop:
            // an outcome, not an error.
            tooSlow = exception is BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout };
        }
        finally
        {
            await wakeUp.DisposeAsync();
        }

        await file.FlushAsync(CancellationToken.None);
        stopped |= await progress.SettleAsync();
        var reported = progress.Reported;
        await file.DisposeAsync();

        if (overflow || (ended && hash is not null && !request.Checksum!.Matches(hash.GetHashAndReset())))
        {
            await store.TruncateAsync(request.UploadId, reported, CancellationToken.None);
            var kept = await grain.ReleaseLeaseAsync(leaseId, reported, CancellationToken.None);
            return new ChunkOutcome(overflow ? ChunkResult.TooLarge : ChunkResult.ChecksumMismatch, kept);
        }

        if (!ended || stopped)
        {
            var released = await grain.ReleaseLeaseAsync(leaseId, hash is null ? position : reported, CancellationToken.None);
            return new ChunkOutcome(StopResult(writer, stopped, tooSlow, released), released);
        }

        if (position == status.TotalBytes || (request.CompleteAtEnd && status.TotalBytes is null))
        {
            var sha256 = fileHash is not null ? Convert.ToHexStringLower(fileHash.GetHashAndReset()) : await store.Sha256Async(request.UploadId, CancellationToken.None);
            var completed = await grain.CompleteAsync(leaseId, position, sha256, CancellationToken.None);
            return new ChunkOutcome(completed.State == UploadState.Completed ? ChunkResult.Completed : ChunkResult.Finished, completed);
        }

        return new ChunkOutcome(ChunkResult.Stored, await grain.ReleaseLeaseAsync(leaseId, position, CancellationToken.None));
    }

    private ChunkResult StopResult(UploadWriter writer, bool stoppedByGrain, bool tooSlow, UploadStatus released)
    {
        if (released.State == UploadState.Cancelled || writer.Reason == StopReason.Cancelled)
        {
            return ChunkResult.Cancelled;
        }

        if (writer.Reason is not null || stoppedByGrain)
        {
            return released.State.IsTerminal() ? ChunkResult.Finished : ChunkResult.Superseded;
        }

        logger.LogDebug("Body of upload {UploadId} ended early at {Offset} (too slow: {TooSlow})", released.Id, released.BytesReceived, tooSlow);
        return tooSlow ? ChunkResult.TooSlow : ChunkResult.Disconnected;
    }

    private static ChunkResult Refusal(WriteRefusal? refusal) => refusal switch
    {
        WriteRefusal.OffsetMismatch => ChunkResult.OffsetMismatch,
        WriteRefusal.Finished => ChunkResult.Finished,
        _ => ChunkResult.NotFound,
    };

    private static bool IsRequestEnd(Exception exception, CancellationToken stopping) =>
        exception is OperationCanceledException && stopping.IsCancellationRequested
        || exception is ConnectionResetException or IOException or BadHttpRequestException;
}
