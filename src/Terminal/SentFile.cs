using OrleansUploads.Client;

namespace OrleansUploads.Terminal;

/// <summary>
/// One line of <c>send --json</c>: which file, whether it continued an earlier upload and from where, whether it
/// was not sent at all because the service held it completed already, and how it ended.
/// </summary>
public sealed record SentFile(string File, bool Resumed, long ResumedAt, bool AlreadyUploaded, UploadStatus Status);
