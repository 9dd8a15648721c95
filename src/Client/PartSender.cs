using System.Diagnostics;
using System.Net;
using Microsoft.Win32.SafeHandles;

namespace OrleansUploads.Client;

/// <summary>
/// Sends one part chunk by chunk from the service's offset. A failed chunk (network error, 5xx, a slow
/// body cut, a checksum mismatch, an offset the service disagrees with) is retried with backoff from
/// the offset a fresh HEAD reports, since a lost answer may hide bytes the service did store. Only
/// attempts in a row after which the upload has not grown count towards giving up.
/// </summary>
internal sealed class PartSender(TusEndpoint tus, UploadsClientOptions client, UploadOptions upload, string? checksumAlgorithm, SafeFileHandle file)
{
    public async Task SendAsync(TusPart part, CancellationToken cancellationToken)
    {
        var backoff = new RetryBackoff(client);
        // The rate is held between chunks: a chunk larger than a second's worth would leave at full speed.
        var chunkSize = Math.Min(client.ChunkSize, Math.Max(upload.MaxBytesPerSecond ?? long.MaxValue, 1));
        var buffer = new byte[(int)Math.Min(chunkSize, Math.Max(part.Length, 1))];
        var offset = part.Offset;
        var pace = Stopwatch.StartNew();
        var sent = 0L;
        while (offset < part.Length)
        {
            var size = (int)Math.Min(buffer.Length, part.Length - offset);
            var chunk = buffer.AsMemory(0, size);
            await ReadExactlyAsync(part.Start + offset, chunk, cancellationToken);
            var answer = await TryPatchAsync(part, offset, chunk, cancellationToken);
            if (answer.Offset is { } committed)
            {
                sent += committed - offset;
                offset = committed;
                backoff.Reset();
                await HoldToRateAsync(sent, pace.Elapsed, cancellationToken);
                continue;
            }

            await backoff.WaitAsync(() => answer.Failure!, answer.RetryAfter, cancellationToken);
            if (await TryHeadAsync(part.Location, cancellationToken) is { } reported)
            {
                // Grown under a failed PATCH (a lost answer, or another sender of the same file): that is progress too.
                if (reported > offset)
                {
                    backoff.Reset();
                }

                offset = reported;
            }
        }
    }

    /// <returns>The new committed offset, or the failure to retry after.</returns>
    private async Task<(long? Offset, Exception? Failure, TimeSpan? RetryAfter)> TryPatchAsync(TusPart part, long offset, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        var location = part.Location;
        try
        {
            using var response = await tus.PatchAsync(location, offset, chunk, checksumAlgorithm, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return (TusHead.From(response).Offset ?? offset + chunk.Length, null, null);
            }

            var failure = await UploadsException.FromResponseAsync(response, cancellationToken);
            if (RetryBackoff.IsTransient(response.StatusCode))
            {
                return (null, failure, RetryBackoff.RetryAfterOf(response));
            }

            // 403 also answers a PATCH to a complete upload: a retried last chunk whose first answer was lost. Only
            // a part that HEAD finds whole is that; any other 403 (or 401) is a refusal that no retry changes.
            if (response.StatusCode == HttpStatusCode.Forbidden && await TryHeadAsync(location, cancellationToken) == part.Length)
            {
                return (part.Length, null, null);
            }

            throw failure;
        }
        catch (HttpRequestException e)
        {
            return (null, UploadsException.Unreachable(location, e), null);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own timeout: the service or the network stalled.
            return (null, UploadsException.Unreachable(location, e), null);
        }
    }

    private async Task<long?> TryHeadAsync(Uri location, CancellationToken cancellationToken)
    {
        try
        {
            return (await tus.HeadAsync(location, cancellationToken) ?? throw new UploadsException(UploadsError.Failed, $"The upload {location} is gone."))
                .Offset;
        }
        catch (UploadsException e) when (e.Error == UploadsError.Unreachable)
        {
            return null;
        }
    }

    private async Task ReadExactlyAsync(long position, Memory<byte> chunk, CancellationToken cancellationToken)
    {
        for (var read = 0; read < chunk.Length;)
        {
            var count = await RandomAccess.ReadAsync(file, chunk[read..], position + read, cancellationToken);
            read += count > 0 ? count : throw new IOException("The file became shorter while it was being sent.");
        }
    }

    private async Task HoldToRateAsync(long sent, TimeSpan elapsed, CancellationToken cancellationToken)
    {
        if (upload.MaxBytesPerSecond is { } rate && TimeSpan.FromSeconds((double)sent / rate) - elapsed is { } ahead && ahead > TimeSpan.Zero)
        {
            await Task.Delay(ahead, cancellationToken);
        }
    }
}
