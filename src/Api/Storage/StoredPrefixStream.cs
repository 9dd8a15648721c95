namespace OrleansUploads.Api.Storage;

/// <summary>
/// The first <paramref name="length"/> bytes of a stored upload, seekable, for ranged reads of an
/// upload still running: the store may hold bytes past the committed offset that no one reported yet,
/// and a reader must never see those.
/// </summary>
public sealed class StoredPrefixStream(Stream stored, long length) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => stored.Position;
        set => stored.Position = Math.Min(value, length);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var left = length - stored.Position;
        return left <= 0 ? 0 : await stored.ReadAsync(buffer[..(int)Math.Min(buffer.Length, left)], cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            stored.Dispose();
        }
    }

    public override ValueTask DisposeAsync() => stored.DisposeAsync();
}
