using System.Security.Cryptography;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Tus;

/// <summary>The tus <c>checksum</c> extension's <c>Upload-Checksum</c> header: the algorithm and the base64 digest.</summary>
public static class TusChecksum
{
    /// <summary>Reads the header; no header is no checksum, a malformed one is an error to answer with 400.</summary>
    public static bool TryParse(string? header, out ChunkChecksum? checksum, out string? error)
    {
        checksum = null;
        error = null;
        if (string.IsNullOrEmpty(header))
        {
            return true;
        }

        var parts = header.Split(' ');
        if (parts.Length != 2)
        {
            error = "Upload-Checksum must be '<algorithm> <base64 digest>'.";
            return false;
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
            error = $"Checksum algorithm '{parts[0]}' is not supported; use one of {TusHeaders.ChecksumAlgorithms}.";
            return false;
        }

        var expected = new byte[parts[1].Length];
        if (!Convert.TryFromBase64String(parts[1], expected, out var written))
        {
            error = "Upload-Checksum digest is not valid base64.";
            return false;
        }

        checksum = new ChunkChecksum(algorithm.Value, expected[..written]);
        return true;
    }
}
