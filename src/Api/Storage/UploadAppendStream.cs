namespace OrleansUploads.Api.Storage;

/// <summary>
/// An upload's bytes on their way into a store, written in order from the offset the store opened it at.
/// Only <see cref="Durable"/> may be reported to the grain: what survives this process's death.
/// </summary>
public abstract class UploadAppendStream : Stream
{
    /// <summary>
    /// The offset up to which the bytes survive a crash. It moves while the writer goes on, as the store
    /// makes bytes durable: <see cref="Stream.FlushAsync(CancellationToken)"/> starts that (an fsync of a
    /// file, a staged block or part of an object) without waiting for it, and disposing finishes it. An
    /// object store keeps a partial block in memory until it fills or the stream is disposed.
    /// </summary>
    public abstract long Durable { get; }

    /// <summary>Completes once what the last flush started is durable (or failed, with its failure); at once for stores whose flush does not wait.</summary>
    public virtual Task WhenDurableAsync() => Task.CompletedTask;

    /// <summary>
    /// After the store failed mid-body (a full disk takes the blocks before the one that did not fit):
    /// makes durable what it took before the failure, as far as it still can, and returns <see cref="Durable"/>.
    /// </summary>
    public virtual Task<long> MakeTakenDurableAsync() => Task.FromResult(Durable);

    /// <summary>Where <see cref="Durable"/> gets to with the next flush: every byte written, unless the store keeps a partial block back.</summary>
    public virtual long Flushable => Length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Position { get => Length; set => throw new NotSupportedException(); }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override void Flush() => FlushAsync().GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
