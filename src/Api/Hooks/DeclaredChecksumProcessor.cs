using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Hooks;

/// <summary>
/// Compares the file's SHA-256 with the one the client declared in its metadata (<see cref="DeclaredSha256"/>),
/// so a file that changed on its way, or between a client's reads of it, fails instead of completing.
/// </summary>
public sealed class DeclaredChecksumProcessor : IUploadProcessor
{
    public string Name => "checksum";

    public bool AppliesTo(UploadStatus upload) => UploadMetadata.Of(upload.Metadata).Text(DeclaredSha256.MetadataKey) is not null;

    public Task ProcessAsync(UploadProcessingContext context, CancellationToken cancellationToken)
    {
        // Creation refuses a malformed declaration; one can still arrive here from a validation hook's
        // added metadata, which is checked by no rule after the hook.
        var declared = context.Metadata[DeclaredSha256.MetadataKey];
        var expected = DeclaredSha256.Decode(declared) ?? throw new InvalidDataException(DeclaredSha256.Malformed(declared));
        if (!string.Equals(expected, context.Upload.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"The file's SHA-256 is {context.Upload.Sha256}, not {expected} as its metadata declared: it changed on its way.");
        }

        return Task.CompletedTask;
    }
}
