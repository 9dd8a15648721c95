using System.Buffers;
using System.Security.Cryptography;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// One request body on its way into storage under the upload's lease: it copies the body, has stored
/// bytes reported as they land, and settles with the grain how the request ended. Nothing larger than
/// one read is held in memory.
/// </summary>
internal sealed class ChunkWrite : IAsyncDisposable
{
    private readonly IUploadGrain _grain;
    private readonly Guid _leaseId;
    private readonly long _epoch;
    private readonly UploadStatus _status;
    private readonly ChunkRequest _request;
    private readonly IUploadStore _store;
    private readonly UploadCounters _counters;
    private readonly UploadAppendStream _file;
    private readonly ProgressReporter _progress;
    private readonly TimeSpan _reportInterval;
    private readonly IncrementalHash? _chunkHash;
    private readonly IncrementalHash? _fileHash;
    private readonly Func<UploadStatus, bool> _hasWorkAfterBytes;
    private long _position;

    private ChunkWrite(IUploadGrain grain, LeaseGrant grant, ChunkRequest request, IUploadStore store, UploadAppendStream file, UploadCounters counters, TimeSpan reportInterval, Func<UploadStatus, bool> hasWorkAfterBytes)
    {
        (_grain, _leaseId, _epoch, _status) = (grain, grant.LeaseId!.Value, grant.Epoch, grant.Status!);
        (_request, _store, _file, _counters, _reportInterval, _hasWorkAfterBytes) = (request, store, file, counters, reportInterval, hasWorkAfterBytes);
        _position = _status.BytesReceived;
        _progress = new ProgressReporter(grain, _leaseId, file, _position, reportInterval, counters);
        _chunkHash = request.Checksum?.StartHash();
        // A body that starts at the beginning is hashed as it passes, so completing it needs no re-read.
        _fileHash = _position == 0 ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
    }

    /// <summary>
    /// Opens storage at the committed offset the lease was granted at, which the caller found stored.
    /// <paramref name="hasWorkAfterBytes"/> says, of the whole upload, whether it is to be verified and
    /// processed once complete; without any, the writer of its last byte completes it.
    /// </summary>
    public static async Task<ChunkWrite> OpenAsync(
        IUploadGrain grain, LeaseGrant grant, ChunkRequest request, IUploadStore store, UploadCounters counters, TimeSpan reportInterval, Func<UploadStatus, bool> hasWorkAfterBytes)
    {
        var status = grant.Status!;
        var file = await store.OpenAppendAsync(request.UploadId, status.BytesReceived, grant.Epoch, CancellationToken.None);
        return new ChunkWrite(grain, grant, request, store, file, counters, reportInterval, hasWorkAfterBytes);
    }

    /// <summary>Copies the body into storage until it ends, overflows, or the grain or the client stops it.</summary>
    public async Task<BodyEnd> CopyBodyAsync(CancellationToken stopping)
    {
        // Wakes the read when a client pauses mid-body with bytes not yet reported, so what is stored
        // gets committed anyway. With nothing to report it leaves the read alone, so Kestrel's minimum
        // data rate can still cut a client that stalls.
        var wakeUp = new Timer(_ => WakeIfUnreported(), null, _reportInterval, _reportInterval);
        // A stop wakes the read the same way, rather than through a token: a read cancelled by its token
        // leaves Kestrel's body reader mid-read, and Kestrel then fails to drain what the client still sends.
        await using var stop = stopping.Register(() => _request.Body.CancelPendingRead());
        try
        {
            while (true)
            {
                var read = await _request.Body.ReadAsync(CancellationToken.None);
                if (read.IsCanceled && stopping.IsCancellationRequested)
                {
                    _request.Body.AdvanceTo(read.Buffer.Start);
                    return BodyEnd.Dropped;
                }

                if (!await StoreAsync(read.Buffer))
                {
                    return BodyEnd.Overflow;
                }

                if (read.IsCompleted)
                {
                    return BodyEnd.Whole;
                }

                // A chunk with a checksum commits nothing until it is verified whole.
                if (_chunkHash is null && _progress.Due && await _progress.ReportAsync(stopping))
                {
                    return BodyEnd.Stopped;
                }
            }
        }
        catch (Exception exception) when (RequestEnd.Is(exception, stopping))
        {
            // The client left, sent too slowly or the grain said stop: an outcome, not an error.
            return exception is BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } ? BodyEnd.TooSlow : BodyEnd.Dropped;
        }
        finally
        {
            await wakeUp.DisposeAsync();
        }
    }

    /// <summary>Tells the grain how the body ended: discard, release what stands, or complete.</summary>
    public async Task<ChunkOutcome> SettleAsync(BodyEnd end, UploadWriter writer)
    {
        await _file.FlushAsync(CancellationToken.None);
        if (await _progress.SettleAsync(writer.Stopping) && end != BodyEnd.Overflow)
        {
            end = BodyEnd.Stopped;
        }

        await _file.DisposeAsync();
        if (end == BodyEnd.Overflow || (end == BodyEnd.Whole && _chunkHash is not null && !_request.Checksum!.Matches(_chunkHash.GetHashAndReset())))
        {
            return await DiscardAsync(end == BodyEnd.Overflow ? ChunkResult.TooLarge : ChunkResult.ChecksumMismatch);
        }

        // The last byte is stored: the upload completes even when the request did not end well (the
        // client dropped, or a takeover arrived), since a client that finds offset == length sends no more.
        var storedAll = _position == _status.TotalBytes && (end == BodyEnd.Whole || _chunkHash is null);
        if (writer.Reason != StopReason.Cancelled && (storedAll || (end == BodyEnd.Whole && _request.CompleteAtEnd && _status.TotalBytes is null)))
        {
            return await CompleteAsync();
        }

        if (end != BodyEnd.Whole)
        {
            var released = await _grain.ReleaseLeaseAsync(_leaseId, _chunkHash is null ? _position : _progress.Reported, CancellationToken.None);
            return new ChunkOutcome(ChunkOutcome.OfStop(end, writer.Reason, released), released);
        }

        return new ChunkOutcome(ChunkResult.Stored, await _grain.ReleaseLeaseAsync(_leaseId, _position, CancellationToken.None));
    }

    /// <summary>
    /// Lets go of the lease after storage or the cluster failed mid-request, keeping what was reported
    /// and what the store took durably before it failed; a later writer truncates anything stored past it.
    /// </summary>
    public async Task<UploadStatus?> AbandonAsync()
    {
        try
        {
            await _progress.SettleAsync(CancellationToken.None);
        }
        catch (Exception)
        {
            // The report in flight failed with the rest; what the grain has is what counts.
        }

        return await _grain.ReleaseAfterFailureAsync(_leaseId, await KeptAfterFailureAsync());
    }

    /// <summary>A full disk keeps the blocks it took; a chunk with a checksum keeps nothing it did not verify.</summary>
    private async Task<long> KeptAfterFailureAsync()
    {
        if (_chunkHash is not null)
        {
            return _progress.Reported;
        }

        try
        {
            return Math.Max(_progress.Reported, await _file.MakeTakenDurableAsync());
        }
        catch (Exception)
        {
            // The disk cannot make them durable either: only what was reported stands.
            return _progress.Reported;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _file.DisposeAsync();
        }
        catch (Exception)
        {
            // The last flush fails again as it did before (a full disk, a newer writer's fence); the
            // request has already settled on what was kept.
        }

        _chunkHash?.Dispose();
        _fileHash?.Dispose();
    }

    /// <returns>False when the bytes would run past the upload's size; they are not stored.</returns>
    private async Task<bool> StoreAsync(ReadOnlySequence<byte> buffer)
    {
        if (_position + buffer.Length > (_status.TotalBytes ?? _request.Limit))
        {
            _request.Body.AdvanceTo(buffer.Start, buffer.End);
            return false;
        }

        foreach (var segment in buffer)
        {
            await _file.WriteAsync(segment, CancellationToken.None);
            _chunkHash?.AppendData(segment.Span);
            _fileHash?.AppendData(segment.Span);
        }

        Interlocked.Add(ref _position, buffer.Length);
        _counters.CountStored(buffer.Length);
        _request.Body.AdvanceTo(buffer.End);
        return true;
    }

    /// <summary>Drops this request's bytes past what was already committed.</summary>
    private async Task<ChunkOutcome> DiscardAsync(ChunkResult result)
    {
        await _store.TruncateAsync(_request.UploadId, _progress.Reported, _epoch, CancellationToken.None);
        return new ChunkOutcome(result, await _grain.ReleaseLeaseAsync(_leaseId, _progress.Reported, CancellationToken.None));
    }

    private async Task<ChunkOutcome> CompleteAsync()
    {
        await _store.SealAsync(_request.UploadId, _position, CancellationToken.None);
        var sha256 = _fileHash is not null
            ? Convert.ToHexStringLower(_fileHash.GetHashAndReset())
            : await _store.Sha256Async(_request.UploadId, CancellationToken.None);
        // Processors are asked about the upload as it will be once complete: its size and digest known.
        var whole = _status with { State = UploadState.Verifying, BytesReceived = _position, TotalBytes = _position, Sha256 = sha256 };
        var completed = await _grain.CompleteAsync(_leaseId, _position, sha256, nothingToProcess: !_hasWorkAfterBytes(whole), CancellationToken.None);
        // Not completed by this writer: on its way to processing (the receiver runs that next), ended
        // otherwise, or the lease was no longer its own.
        var result = completed.State == UploadState.Completed ? ChunkResult.Completed
            : completed.State.IsTerminal() ? ChunkResult.Finished
            : ChunkResult.Superseded;
        if (result == ChunkResult.Completed)
        {
            _counters.CountFinished();
        }

        return new ChunkOutcome(result, completed);
    }

    private void WakeIfUnreported()
    {
        if (_chunkHash is null && _request.WakeOnPause && _progress.Unreported)
        {
            _request.Body.CancelPendingRead();
        }
    }
}
