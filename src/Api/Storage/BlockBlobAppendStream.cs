using System.Buffers;
using Azure;
using Azure.Storage.Blobs.Specialized;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// Appends to a block blob a block at a time: bytes gather in memory until a block is full, then the
/// block is staged and the blob's block list committed with it, so the blob always holds exactly the
/// durable prefix (readable while the upload runs). One block is on its way while the next fills, so
/// reading the body and storing it overlap. A partial block is staged only when the stream is
/// disposed, at the end of a request or when its body dropped, so a paused client does not turn
/// every report into a tiny block.
/// </summary>
/// <remarks>
/// Each commit is conditional on the blob's ETag from this writer's previous commit: once a newer
/// writer claimed the blob (<see cref="AzureBlobUploadStore"/>), this one's commits are refused with
/// <see cref="StaleWriterException"/>. Block ids carry the lease epoch, so a stale writer's staged
/// blocks never replace a newer writer's.
/// </remarks>
internal sealed class BlockBlobAppendStream(BlockBlobClient blob, List<string> blocks, long position, long epoch, ETag etag, int blockSize)
    : UploadAppendStream
{
    private byte[]? _filling;
    private byte[]? _spare;
    private int _filled;
    private long _handedOver = position;
    private long _durable = position;
    private Task _staging = Task.CompletedTask;
    private ETag _etag = etag;
    private bool _disposed;

    public override long Durable => Interlocked.Read(ref _durable);

    public override long Flushable => _handedOver;

    public override long Length => _handedOver + _filled;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        while (source.Length > 0)
        {
            GrowFor(source.Length);
            var take = Math.Min(source.Length, Math.Min(_filling!.Length, blockSize) - _filled);
            source[..take].CopyTo(_filling.AsMemory(_filled));
            _filled += take;
            source = source[take..];
            if (_filled == blockSize)
            {
                await StartStagingAsync();
            }
        }
    }

    /// <summary>
    /// Makes room for more bytes in the filling buffer: it starts small and doubles up to the block size,
    /// so a small upload does not hold a whole block's memory.
    /// </summary>
    private void GrowFor(int more)
    {
        const int FirstSize = 64 << 10;
        if (_filling is not null && (_filled < _filling.Length || _filling.Length >= blockSize))
        {
            return;
        }

        var size = Math.Min(blockSize, Math.Max(FirstSize, Math.Max(_filled + more, (_filling?.Length ?? 0) * 2)));
        var grown = ArrayPool<byte>.Shared.Rent(size);
        if (_filling is not null)
        {
            _filling.AsSpan(0, _filled).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_filling);
        }

        _filling = grown;
    }

    /// <summary>
    /// Waits for nothing: <see cref="Durable"/> moves as each block lands, and a report between two blocks
    /// must not stop the body while the block in flight is stored. A partial block waits for more bytes or the end.
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
            await StartStagingAsync();
            await _staging;
        }
        finally
        {
            foreach (var buffer in new[] { _filling, _spare })
            {
                if (buffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    /// <summary>Waits for the block on its way, then sends the filled one after it.</summary>
    private async Task StartStagingAsync()
    {
        await _staging;
        if (_filled == 0)
        {
            return;
        }

        var block = _filling.AsMemory(0, _filled);
        var at = _handedOver;
        _staging = StageAsync(block, at);
        _handedOver += _filled;
        (_filling, _spare) = (_spare, _filling);
        _filled = 0;
    }

    private Task StageAsync(ReadOnlyMemory<byte> block, long at) => AzureFailure.MapAsync(async () =>
    {
        var id = BlockIds.Of(at, epoch);
        await blob.StageBlockAsync(id, BinaryData.FromBytes(block).ToStream());
        blocks.Add(id);
        _etag = await BlockIds.CommitAsync(blob, blocks, epoch, _etag);
        Interlocked.Exchange(ref _durable, at + block.Length);
    });
}
