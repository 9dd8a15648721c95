using Amazon.S3;
using Amazon.S3.Model;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// A finished object in S3, seekable: each read continues one ranged GET from the position, and a seek
/// starts another, so a download of a range fetches only that range.
/// </summary>
internal sealed class S3ObjectReadStream(IAmazonS3 s3, string bucket, string key, long length) : StoredReadStream(length)
{
    private GetObjectResponse? _response;
    private long _position;

    public override long Position
    {
        get => _position;
        set
        {
            if (value != _position)
            {
                Close(ref _response);
                _position = value;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= Length || buffer.Length == 0)
        {
            return 0;
        }

        _response ??= await S3Failure.MapAsync(() => s3.GetObjectAsync(
            new GetObjectRequest { BucketName = bucket, Key = key, ByteRange = new ByteRange(_position, Length - 1) }, cancellationToken));
        var read = await _response.ResponseStream.ReadAsync(buffer, cancellationToken);
        _position += read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close(ref _response);
        }

        base.Dispose(disposing);
    }

    private static void Close(ref GetObjectResponse? response)
    {
        response?.Dispose();
        response = null;
    }
}
