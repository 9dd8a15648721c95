using System.Security.Cryptography;

namespace OrleansUploads.Api.Tus;

/// <summary>An <c>Upload-Checksum</c> header: the algorithm and the digest the chunk must have.</summary>
public sealed record UploadChecksum(HashAlgorithmName Algorithm, byte[] Expected)
{
    public static ChecksumParse Parse(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return new ChecksumParse(null, null);
        }

        var parts = header.Split(' ');
        if (parts.Length != 2)
        {
            return new ChecksumParse(null, "Upload-Checksum must be '<algorithm> <base64 digest>'.");
        }

        HashAlgorithmName? algorithm = parts[0].ToLowerInvariant() switch
        {
            "sha1" => HashAlgorithmName.SHA1,
            "sha256" => HashAlgorithmName.SHA256,
            "md5" => HashAlgorithmName.MD5,
            _ => null,
        };
        if (algorithm is null)
        {
            return new ChecksumParse(null, $"Checksum algorithm '{parts[0]}' is not supported; use one of {TusHeaders.ChecksumAlgorithms}.");
        }

        var expected = new byte[parts[1].Length];
        if (!Convert.TryFromBase64String(parts[1], expected, out var written))
        {
            return new ChecksumParse(null, "Upload-Checksum digest is not valid base64.");
        }

        return new ChecksumParse(new UploadChecksum(algorithm.Value, expected[..written]), null);
    }

    public IncrementalHash StartHash() => IncrementalHash.CreateHash(Algorithm);

    public bool Matches(byte[] actual) => CryptographicOperations.FixedTimeEquals(actual, Expected);
}

/// <summary>A parsed checksum header, or why it could not be parsed.</summary>
public sealed record ChecksumParse(UploadChecksum? Checksum, string? Error);
