namespace OrleansUploads.Client;

/// <summary>What a <see cref="IResumeStore"/> keeps for a file: its upload, and the SHA-256 it declared.</summary>
/// <param name="Sha256">
/// The file's SHA-256 when its upload was created, so resuming does not read the whole file again to know it.
/// The upload declared it, so content that differs from it fails whether it is this file changed or another one.
/// </param>
public sealed record ResumeEntry(Uri Upload, string? Sha256);
