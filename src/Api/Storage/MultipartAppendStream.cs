using System.Buffers;
using System.Runtime.InteropServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// Appends to an upload in S3 a part at a time: bytes gather in memory until a part is full, then the
/// part is sent and the manifest replaced with it listed, so the manifest always names exactly the
/// durable prefix. One part is on its way while the next fills. What is left when the stream is
/// disposed (the end of a request, or a dropped body) is too short for a part: it is stored as the
/// upload's tail object, and the next writer starts its first part with those bytes.
/// </summary>
/// <remarks>
/// A manifest replacement is conditional on the ETag of this writer's previous one: once a newer writer
/// claimed the upload, this one's are refused with <see cref="StaleWriterException"/>. Tail keys carry
/// the lease epoch, so a stale writer never replaces a newer writer's tail.
/// </remarks>
internal sealed class MultipartAppendStream : UploadAppendStream
{
    private readonly IAmazonS3 _s3;
    private readonly MultipartManifests _manifests;
    private readonly string _bucket;
    private readonly string _uploadId;
    private readonly int _partSize;
    private MultipartManifest _manifest;
    private string _etag;
    private byte[] _filling;
    private byte[]? _spare;
    private int _filled;
    private long _handedOver;
    private long _durable;
    private Task _sending = Task.CompletedTask;
    private bool _disposed;

    /// <param name="tail">The manifest's tail bytes, read back: the start of this writer's first part.</param>
    public MultipartAppendStream(IAmazonS3 s3, MultipartManifests manifests, string bucket, string uploadId, MultipartManifest manifest, string etag, byte[] tail, int partSize)
    {
        (_s3, _manifests, _bucket, _uploadId, _manifest, _etag, _partSize) = (s3, manifests, bucket, uploadId, manifest, etag, partSize);
        // A tail stored under a larger part size than today's may not fit a part: it is sent as one part of its own size.
        _filling = ArrayPool<byte>.Shared.Rent(Math.Max(partSize, tail.Length));
        tail.CopyTo(_filling, 0);
        _filled = tail.Length;
        _handedOver = manifest.PartsEnd;
        _durable = manifest.Length;
    }

    public override long Durable => Interlocked.Read(ref _durable);

    public override long Flushable => Math.Max(_handedOver, Durable);

    public override long Length => _handedOver + _filled;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        if (_filled >= _partSize)
        {
            await StartSendingAsync();
        }

        while (source.Length > 0)
        {
            var take = Math.Min(source.Length, _partSize - _filled);
            source[..take].CopyTo(_filling.AsMemory(_filled));
            _filled += take;
            source = source[take..];
            if (_filled == _partSize)
            {
                await StartSendingAsync();
            }
        }
    }

    /// <summary>
    /// Waits for nothing: <see cref="Durable"/> moves as each part lands, and a report between two parts
    /// must not stop the body while the part in flight is stored. A partial part waits for more bytes or the end.
    /// </summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await _sending;
            if (_handedOver + _filled > Durable)
            {
                await S3Failure.MapAsync(() => StoreTailAsync(_filling.AsMemory(0, _filled)));
            }
            else if (!_manifest.Settled)
            {
                await S3Failure.MapAsync(() => ReplaceAsync(_manifest.AsSettled()));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_filling);
            if (_spare is not null)
            {
                ArrayPool<byte>.Shared.Return(_spare);
            }
        }
    }

    /// <summary>Waits for the part on its way, then sends the filled one after it.</summary>
    private async Task StartSendingAsync()
    {
        await _sending;
        var part = _filling.AsMemory(0, _filled);
        var at = _handedOver;
        _sending = S3Failure.MapAsync(() => SendPartAsync(part, at));
        _handedOver += _filled;
        (_filling, _spare) = (_spare ?? ArrayPool<byte>.Shared.Rent(_partSize), _filling);
        _filled = 0;
    }

    private async Task SendPartAsync(ReadOnlyMemory<byte> bytes, long at)
    {
        var number = _manifest.NextPart;
        var sent = await _s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = _bucket,
            Key = S3UploadStore.ContentKeyOf(_uploadId),
            UploadId = _manifest.MultipartId,
            PartNumber = number,
            InputStream = StreamOf(bytes),
            PartSize = bytes.Length,
            UseChunkEncoding = false,
        });
        var part = new StoredPart(number, sent.ETag, bytes.Length, at < _manifest.Length ? _manifest.Tail : null);
        await ReplaceAsync(_manifest.WithPart(part));
        Interlocked.Exchange(ref _durable, at + bytes.Length);
    }

    private async Task StoreTailAsync(ReadOnlyMemory<byte> bytes)
    {
        var end = _handedOver + bytes.Length;
        var key = $"{MultipartManifests.FolderOf(_uploadId)}tails/{_handedOver:D19}-{end:D19}-{_manifest.Epoch:D19}";
        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket,
            Key = key,
            InputStream = StreamOf(bytes),
            UseChunkEncoding = false,
        });
        var replaced = _manifest.Tail;
        await ReplaceAsync(_manifest.WithTail(new StoredTail(key, bytes.Length)).AsSettled());
        Interlocked.Exchange(ref _durable, end);
        if (replaced is not null && replaced.Key != key && !_manifest.Parts.Any(part => part.BeganWith?.Key == replaced.Key))
        {
            // The new tail holds the old one's bytes and more; nothing names the old one any longer. A
            // delete that fails leaves it for the upload's own deletion, which takes everything under its folder.
            try
            {
                await _s3.DeleteObjectAsync(_bucket, replaced.Key);
            }
            catch (Exception exception) when (exception is AmazonServiceException or AmazonClientException or HttpRequestException or OperationCanceledException)
            {
            }
        }
    }

    private async Task ReplaceAsync(MultipartManifest manifest)
    {
        _etag = await _manifests.ReplaceAsync(_uploadId, manifest, _etag, CancellationToken.None);
        _manifest = manifest;
    }

    /// <summary>Bytes of a pooled buffer as the SDK reads them, without copying them out.</summary>
    private static MemoryStream StreamOf(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
}
