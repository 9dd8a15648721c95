namespace OrleansUploads.Client;

/// <summary>The local file a <see cref="TusUpload"/> carries: where it is, its SHA-256, and its fingerprint in the resume store (if any).</summary>
internal sealed record UploadSource(string Path, string Sha256, string? Fingerprint);
