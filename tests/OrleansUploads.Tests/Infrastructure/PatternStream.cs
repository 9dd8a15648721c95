using System.Security.Cryptography;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// A read-only stream of <paramref name="length"/> pseudo-random bytes made as they are read, so a
/// test can send gigabytes without holding them; it hashes what it produced.
/// </summary>
public sealed class PatternStream(long length) : Stream
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Random _random = new(7);
    private long _position;

    private string? _finalSha256;

    /// <summary>The hash of everything produced, once the stream was read to its end.</summary>
    public string? Sha256 => _finalSha256;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position);
        var produced = buffer[..count];
        _random.NextBytes(produced);
        _sha256.AppendData(produced);
        _position += count;
        if (_position == length)
        {
            _finalSha256 ??= Convert.ToHexStringLower(_sha256.GetCurrentHash());
        }

        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _sha256.Dispose();
        base.Dispose(disposing);
    }
}
