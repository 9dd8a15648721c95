using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Hooks;

/// <summary>
/// Checks the file's first bytes against the content type the client declared, for the types whose
/// files all start alike: a file named a PNG that is something else fails instead of being served as one.
/// </summary>
public sealed class ContentSignatureProcessor : IUploadProcessor
{
    private static readonly (string Type, byte?[] Signature)[] Signatures =
    [
        ("image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ("image/jpeg", [0xFF, 0xD8, 0xFF]),
        ("image/gif", [.. "GIF8"u8.ToArray().Select(b => (byte?)b)]),
        ("image/webp", [.. "RIFF"u8.ToArray().Select(b => (byte?)b), null, null, null, null, .. "WEBP"u8.ToArray().Select(b => (byte?)b)]),
        ("application/pdf", [.. "%PDF-"u8.ToArray().Select(b => (byte?)b)]),
        ("application/zip", [0x50, 0x4B, 0x03, 0x04]),
        ("application/gzip", [0x1F, 0x8B]),
    ];

    public string Name => "content-type";

    public bool AppliesTo(UploadStatus upload) => SignatureOf(upload.ContentType) is not null;

    public async Task ProcessAsync(UploadProcessingContext context, CancellationToken cancellationToken)
    {
        var head = new byte[16];
        int read;
        await using (var content = await context.OpenContentAsync(cancellationToken))
        {
            read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        }

        var declared = context.Upload.ContentType!;
        if (!Matches(head.AsSpan(0, read), SignatureOf(declared)!))
        {
            var actual = Signatures.FirstOrDefault(known => Matches(head.AsSpan(0, read), known.Signature)).Type;
            throw new InvalidDataException(actual is null
                ? $"The file is not {declared}: its first bytes are not those of one."
                : $"The file is not {declared}: its first bytes are those of {actual}.");
        }
    }

    private static byte?[]? SignatureOf(string? contentType) =>
        Signatures.FirstOrDefault(known => string.Equals(known.Type, contentType?.Split(';')[0].Trim(), StringComparison.OrdinalIgnoreCase)).Signature;

    private static bool Matches(ReadOnlySpan<byte> head, byte?[] signature)
    {
        if (head.Length < signature.Length)
        {
            return false;
        }

        for (var i = 0; i < signature.Length; i++)
        {
            if (signature[i] is { } expected && head[i] != expected)
            {
                return false;
            }
        }

        return true;
    }
}
