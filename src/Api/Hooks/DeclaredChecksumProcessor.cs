using System.Buffers.Text;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Hooks;

/// <summary>
/// Compares the file's SHA-256 with the one the client declared in its metadata (<c>sha256</c>, hex or
/// base64), so a file that changed on its way, or between a client's reads of it, fails instead of completing.
/// </summary>
public sealed class DeclaredChecksumProcessor : IUploadProcessor
{
    public const string MetadataKey = "sha256";

    public string Name => "checksum";

    public bool AppliesTo(UploadStatus upload) => UploadMetadata.Of(upload.Metadata).Text(MetadataKey) is not null;

    public Task ProcessAsync(UploadProcessingContext context, CancellationToken cancellationToken)
    {
        var declared = context.Metadata[MetadataKey].Trim();
        var expected = Decode(declared) ?? throw new InvalidDataException($"The declared {MetadataKey} '{declared}' is neither 64 hex digits nor base64 of 32 bytes.");
        if (!string.Equals(expected, context.Upload.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"The file's SHA-256 is {context.Upload.Sha256}, not {expected} as its metadata declared: it changed on its way.");
        }

        return Task.CompletedTask;
    }

    /// <returns>The digest as lowercase hex, or null when it is neither form.</returns>
    private static string? Decode(string declared)
    {
        if (declared.Length == 64 && declared.All(Uri.IsHexDigit))
        {
            return declared.ToLowerInvariant();
        }

        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(declared.Length)];
        return Convert.TryFromBase64String(declared, bytes, out var written) && written == 32 ? Convert.ToHexStringLower(bytes.AsSpan(0, written)) : null;
    }
}
