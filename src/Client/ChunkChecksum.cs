using System.Security.Cryptography;

namespace OrleansUploads.Client;

/// <summary>The tus <c>Upload-Checksum</c> value of one chunk: the algorithm and the base64 digest.</summary>
internal static class ChunkChecksum
{
    public static string Of(string algorithm, ReadOnlySpan<byte> chunk) => algorithm + " " + Convert.ToBase64String(algorithm switch
    {
        "sha256" => SHA256.HashData(chunk),
        "sha1" => SHA1.HashData(chunk),
        "md5" => MD5.HashData(chunk),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not a checksum algorithm this client computes."),
    });
}
