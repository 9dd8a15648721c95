namespace OrleansUploads.Terminal;

/// <summary>The line of <c>get --json</c>: where the content went and how much of it an earlier run had fetched already.</summary>
public sealed record SavedFile(string Id, string Path, long Length, long ResumedFrom, string? Sha256);
