using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// Appends to a file in 1 MiB blocks, writing one block to disk while the next fills, so reading the
/// request body and writing the disk overlap instead of taking turns. With <paramref name="flushToDisk"/>,
/// <see cref="Durable"/> moves only when an fsync covering the bytes has returned, so it survives a power
/// loss too; the fsync runs beside the writes (<see cref="FlushAsync(CancellationToken)"/> starts one
/// and returns) because the disk may take longer than the next blocks take to arrive. Disposing writes
/// and syncs everything.
/// </summary>
/// <remarks>Every block goes to disk through <paramref name="fence"/>, so a writer that lost its lease writes nothing.</remarks>
internal sealed class WriteBehindFileStream(SafeFileHandle file, long position, bool flushToDisk, WriterFence fence) : UploadAppendStream
{
    private const int BlockSize = 1 << 20;
    private byte[] _filling = ArrayPool<byte>.Shared.Rent(BlockSize);
    private byte[] _spare = ArrayPool<byte>.Shared.Rent(BlockSize);
    private int _filled;
    private Task _writing = Task.CompletedTask;
    private Task _syncing = Task.CompletedTask;
    private long _position = position;

    /// <summary>The end of the last block the file system took; written from the block's write, read anywhere.</summary>
    private long _written = position;
    private long _synced = position;
    private bool _disposed;
    private volatile bool _syncFailed;

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

    /// <summary>Without fsync, bytes the file system took survive this process's death: that is enough.</summary>
    public override long Durable => Interlocked.Read(ref flushToDisk ? ref _synced : ref _written);

    /// <summary>
    /// Hands the bytes written so far to the file system and starts an fsync of them, unless one runs;
    /// <see cref="Durable"/> moves when that returns (<see cref="WhenDurableAsync"/>), and the writer goes on meanwhile.
    /// </summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await StartWritingAsync();
        if (_syncing.IsFaulted)
        {
            // The disk refused the last sync: the writer must hear it, not report around it.
            await _syncing;
        }

        // The sync waits for the block just handed over, so it covers every byte written so far.
        if (flushToDisk && _syncing.IsCompleted)
        {
            _syncing = SyncAfterAsync(_writing);
        }
    }

    public override Task WhenDurableAsync() => _syncing;

    /// <summary>The blocks the file system took before a write failed are whole on disk; only the failed one is not.</summary>
    public override async Task<long> MakeTakenDurableAsync()
    {
        await Task.WhenAll(_writing, _syncing).ContinueWith(static _ => { }, TaskScheduler.Default);
        var upTo = Interlocked.Read(ref _written);
        // After a failed fsync the kernel may have dropped the pages it could not write and a second
        // fsync reports success: only what an fsync that returned covered counts then.
        if (flushToDisk && upTo > Durable && !_syncFailed)
        {
            await SyncBesideAsync(upTo);
        }

        return Durable;
    }

    private async Task SyncAfterAsync(Task writing)
    {
        await writing;
        var upTo = Interlocked.Read(ref _written);
        if (upTo > Durable)
        {
            await SyncBesideAsync(upTo);
        }
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
            await StartWritingAsync();
            await _writing;
            await _syncing;
            if (flushToDisk && _position > Durable)
            {
                await SyncBesideAsync(_position);
            }
        }
        finally
        {
            file.Dispose();
            ArrayPool<byte>.Shared.Return(_filling);
            ArrayPool<byte>.Shared.Return(_spare);
        }
    }

    public override long Length => _position + _filled;

    /// <summary>fsync blocks its thread for as long as the disk takes; this keeps it off the request's and the pool's.</summary>
    private Task SyncBesideAsync(long upTo) => DiskSyncThreads.RunAsync(() => SyncUpTo(upTo));

    private void SyncUpTo(long upTo)
    {
        try
        {
            RandomAccess.FlushToDisk(file);
        }
        catch (Exception)
        {
            _syncFailed = true;
            throw;
        }

        Interlocked.Exchange(ref _synced, upTo);
    }

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
        _writing = Task.Run(() =>
        {
            fence.Guard(() => RandomAccess.Write(file, block.Span, at));
            Interlocked.Exchange(ref _written, at + block.Length);
        });
        _position += _filled;
        (_filling, _spare) = (_spare, _filling);
        _filled = 0;
    }
}
