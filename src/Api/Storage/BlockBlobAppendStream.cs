using System.Buffers;
using Azure;
using Azure.Storage.Blobs.Specialized;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// Appends to a block blob a block at a time: bytes gather in memory until a block is full, then the
/// block is staged and the blob's block list committed with it, so the blob always holds exactly the
/// durable prefix (readable while the upload runs). A partial block is staged only when the stream is
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
    private byte[]? _block;
    private int _filled;
    private long _durable = position;
    private ETag _etag = etag;
    private bool _disposed;

    public override long Durable => _durable;

    public override long Flushable => _durable;

    public override long Length => _durable + _filled;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        while (source.Length > 0)
        {
            _block ??= ArrayPool<byte>.Shared.Rent(blockSize);
            var take = Math.Min(source.Length, blockSize - _filled);
            source[..take].CopyTo(_block.AsMemory(_filled));
            _filled += take;
            source = source[take..];
            if (_filled == blockSize)
            {
                await StageAsync();
            }
        }
    }

    /// <summary>Nothing to do: full blocks are staged as they fill, and a partial one waits for more.</summary>
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
            await StageAsync();
        }
        finally
        {
            if (_block is not null)
            {
                ArrayPool<byte>.Shared.Return(_block);
            }
        }
    }

    private async Task StageAsync()
    {
        if (_filled == 0)
        {
            return;
        }

        var id = BlockIds.Of(_durable, epoch);
        await AzureFailure.MapAsync(async () =>
        {
            using var content = new MemoryStream(_block!, 0, _filled, writable: false);
            await blob.StageBlockAsync(id, content);
            blocks.Add(id);
            _etag = await BlockIds.CommitAsync(blob, blocks, epoch, _etag);
        });
        _durable += _filled;
        _filled = 0;
    }
}
