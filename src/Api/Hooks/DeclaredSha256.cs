using System.Buffers.Text;

namespace OrleansUploads.Api.Hooks;

/// <summary>
/// The SHA-256 a client may declare in its metadata (<c>sha256</c>): 64 hex digits, or base64 of the 32
/// bytes. Read when the upload is created, where one that is neither is refused as malformed metadata,
/// and again when the file is compared with it.
/// </summary>
public static class DeclaredSha256
{
    public const string MetadataKey = "sha256";

    /// <returns>The digest as lowercase hex, or null when it is neither form.</returns>
    public static string? Decode(string declared)
    {
        declared = declared.Trim();
        if (declared.Length == 64 && declared.All(Uri.IsHexDigit))
        {
            return declared.ToLowerInvariant();
        }

        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(declared.Length)];
        return Convert.TryFromBase64String(declared, bytes, out var written) && written == 32 ? Convert.ToHexStringLower(bytes.AsSpan(0, written)) : null;
    }

    /// <summary>What is wrong with a declaration <see cref="Decode"/> could not read.</summary>
    public static string Malformed(string declared) => $"The declared {MetadataKey} '{declared.Trim()}' is neither 64 hex digits nor base64 of 32 bytes.";
}
