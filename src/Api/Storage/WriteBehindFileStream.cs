using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// Appends to a file in 1 MiB blocks, writing one block to disk while the next fills, so reading the
/// request body and writing the disk overlap instead of taking turns. <see cref="FlushAsync(CancellationToken)"/>
/// returns only when every byte written so far has been handed to the file system and, with
/// <paramref name="flushToDisk"/>, is on the disk itself (fsync), so it survives a power loss too.
/// </summary>
/// <remarks>Every block goes to disk through <paramref name="fence"/>, so a writer that lost its lease writes nothing.</remarks>
internal sealed class WriteBehindFileStream(SafeFileHandle file, long position, bool flushToDisk, WriterFence fence) : UploadAppendStream
{
    private const int BlockSize = 1 << 20;
    private byte[] _filling = ArrayPool<byte>.Shared.Rent(BlockSize);
    private byte[] _spare = ArrayPool<byte>.Shared.Rent(BlockSize);
    private int _filled;
    private Task _writing = Task.CompletedTask;
    private long _position = position;
    private long _durable = position;
    private bool _disposed;
    private bool _unsynced;

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        while (source.Length > 0)
        {
            var take = Math.Min(source.Length, BlockSize - _filled);
            source.Span[..take].CopyTo(_filling.AsSpan(_filled));
            _filled += take;
            source = source[take..];
            if (_filled == BlockSize)
            {
                await StartWritingAsync();
            }
        }
    }

    public override long Durable => _durable;

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await StartWritingAsync();
        var flushed = _position;
        await _writing;
        if (flushToDisk && _unsynced)
        {
            _unsynced = false;
            // fsync blocks its thread for as long as the disk takes; keep it off the request's.
            await Task.Run(() => RandomAccess.FlushToDisk(file), CancellationToken.None);
        }

        _durable = flushed;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await FlushAsync();
        }
        finally
        {
            file.Dispose();
            ArrayPool<byte>.Shared.Return(_filling);
            ArrayPool<byte>.Shared.Return(_spare);
        }
    }

    public override long Length => _position + _filled;

    /// <summary>Waits for the block on its way to disk, then sends the filled one after it.</summary>
    private async Task StartWritingAsync()
    {
        await _writing;
        if (_filled == 0)
        {
            return;
        }

        var block = _filling.AsMemory(0, _filled);
        var at = _position;
        _writing = Task.Run(() => fence.Guard(() => RandomAccess.Write(file, block.Span, at)));
        _position += _filled;
        _unsynced = true;
        (_filling, _spare) = (_spare, _filling);
        _filled = 0;
    }
}
