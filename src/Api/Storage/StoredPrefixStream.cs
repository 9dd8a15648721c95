namespace OrleansUploads.Api.Storage;

/// <summary>
/// The first <paramref name="length"/> bytes of a stored upload, seekable, for ranged reads of an
/// upload still running: the store may hold bytes past the committed offset that no one reported yet,
/// and a reader must never see those.
/// </summary>
public sealed class StoredPrefixStream(Stream stored, long length) : StoredReadStream(length)
{
    public override long Position
    {
        get => stored.Position;
        set => stored.Position = Math.Min(value, Length);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var left = Length - stored.Position;
        return left <= 0 ? 0 : await stored.ReadAsync(buffer[..(int)Math.Min(buffer.Length, left)], cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            stored.Dispose();
        }
    }

    public override ValueTask DisposeAsync() => stored.DisposeAsync();
}
