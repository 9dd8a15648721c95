using System.Buffers;
using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs.Specialized;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// Appends to a block blob a block at a time: bytes gather in memory until a block is full, then the
/// block is staged, and once it and every block before it are staged its bytes are durable: whoever
/// claims or seals the blob next takes staged blocks in (<see cref="BlockChain"/>). Up to
/// <see cref="BlocksInFlight"/> blocks are staged at once while the next fills, so reading the body
/// and storing it overlap, and the store's latency per request is paid once per several blocks. The
/// block list is committed about every <see cref="CommitInterval"/>, so readers of a running upload
/// see it grow, and when the stream is disposed; a commit drops staged blocks it does not name, so
/// it waits for the blocks in flight. A partial block is staged only then, at the end of a
/// request or when its body dropped, so a paused client does not turn every report into a tiny block.
/// </summary>
/// <remarks>
/// Each commit is conditional on the blob's ETag from this writer's previous commit: once a newer
/// writer claimed the blob (<see cref="AzureBlobUploadStore"/>), this one's commits are refused with
/// <see cref="StaleWriterException"/>. Block ids carry the lease epoch, so a stale writer's staged
/// blocks never replace a newer writer's, nor count as the upload's.
/// </remarks>
internal sealed class BlockBlobAppendStream(BlockBlobClient blob, List<string> blocks, long position, long epoch, ETag etag, int blockSize)
    : UploadAppendStream
{
    /// <summary>
    /// How long staged blocks may wait for a commit: the blob's list is sent whole at each commit, so
    /// committing every block would cost a request per block that grows with the upload.
    /// </summary>
    private static readonly TimeSpan CommitInterval = TimeSpan.FromSeconds(1);

    /// <summary>Blocks being staged at once; each holds a buffer of the block size until it is stored.</summary>
    private const int BlocksInFlight = 4;

    private readonly Queue<StagingBlock> _staging = new();
    private byte[]? _filling;
    private int _filled;
    private long _handedOver = position;
    private long _durable = position;
    private ETag _etag = etag;
    private int _committedBlocks = blocks.Count;
    private long _committedAt = Stopwatch.GetTimestamp();
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
                await HandOverAsync();
            }
        }
    }

    /// <summary>
    /// Counts the blocks already staged as durable, without waiting for the ones in flight: a report
    /// between two blocks must not stop the body while blocks are stored. A partial block waits for more bytes or the end.
    /// </summary>
    public override Task FlushAsync(CancellationToken cancellationToken) => SettleStagedAsync(wait: false);

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await HandOverAsync();
            await SettleStagedAsync(wait: true);
            if (blocks.Count > _committedBlocks)
            {
                await AzureFailure.MapAsync(CommitAsync);
            }
        }
        finally
        {
            // A failed block leaves the others running; their buffers go back only once the SDK is done with them.
            foreach (var block in _staging)
            {
                await Task.WhenAny(block.Staged);
                ArrayPool<byte>.Shared.Return(block.Buffer);
            }

            if (_filling is not null)
            {
                ArrayPool<byte>.Shared.Return(_filling);
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

    /// <summary>Starts staging the filled block, once fewer than <see cref="BlocksInFlight"/> are on their way.</summary>
    private async Task HandOverAsync()
    {
        if (_filled == 0)
        {
            return;
        }

        while (_staging.Count >= BlocksInFlight)
        {
            await SettleOldestAsync();
        }

        if (Stopwatch.GetElapsedTime(_committedAt) >= CommitInterval)
        {
            // A commit discards every staged block it does not name, so none may be on its way.
            await SettleStagedAsync(wait: true);
            await AzureFailure.MapAsync(CommitAsync);
        }

        var id = BlockIds.Of(_handedOver, epoch);
        var buffer = _filling!;
        var staged = AzureFailure.MapAsync(() => blob.StageBlockAsync(id, BinaryData.FromBytes(buffer.AsMemory(0, _filled)).ToStream()));
        _handedOver += _filled;
        _staging.Enqueue(new StagingBlock(id, _handedOver, buffer, staged));
        (_filling, _filled) = (null, 0);
        await SettleStagedAsync(wait: false);
    }

    /// <summary>Counts staged blocks as durable in order, up to the first still on its way (or all of them, waiting).</summary>
    private async Task SettleStagedAsync(bool wait)
    {
        while (_staging.TryPeek(out var oldest) && (wait || oldest.Staged.IsCompleted))
        {
            await SettleOldestAsync();
        }
    }

    private async Task SettleOldestAsync()
    {
        var block = _staging.Peek();
        await block.Staged;
        _staging.Dequeue();
        ArrayPool<byte>.Shared.Return(block.Buffer);
        blocks.Add(block.Id);
        Interlocked.Exchange(ref _durable, block.End);
    }

    private async Task CommitAsync()
    {
        _etag = await BlockIds.CommitAsync(blob, blocks, epoch, _etag);
        (_committedBlocks, _committedAt) = (blocks.Count, Stopwatch.GetTimestamp());
    }

    /// <param name="End">The offset the upload reaches once this block and every one before it are staged.</param>
    private sealed record StagingBlock(string Id, long End, byte[] Buffer, Task Staged);
}
