namespace OrleansUploads.Client;

/// <summary>A finished download: where it is, how long it is, and how much was already there from an earlier run.</summary>
public sealed record DownloadResult(string Path, long Length, long ResumedFrom, string? Sha256);
