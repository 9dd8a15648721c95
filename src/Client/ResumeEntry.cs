namespace OrleansUploads.Client;

/// <summary>What a <see cref="IResumeStore"/> keeps for a file: its upload, the SHA-256 it declared, and whether it completed.</summary>
/// <param name="Sha256">
/// The file's SHA-256 when its upload was created, so resuming does not read the whole file again to know it.
/// The upload declared it, so content that differs from it fails whether it is this file changed or another one.
/// </param>
/// <param name="Completed">
/// When the service was last seen holding the upload completed with the file's content; null while it is unfinished.
/// A later send of the file asks the service whether it still does, and sends nothing if so.
/// </param>
public sealed record ResumeEntry(Uri Upload, string? Sha256, DateTimeOffset? Completed = null);
