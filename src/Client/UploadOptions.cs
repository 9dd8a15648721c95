namespace OrleansUploads.Client;

/// <summary>How one file is sent.</summary>
public sealed record UploadOptions
{
    /// <summary>The name the service records; the file's own name when null.</summary>
    public string? FileName { get; init; }

    public string? ContentType { get; init; }

    /// <summary>An upload URL from an earlier run: continue that upload from the service's offset.</summary>
    public Uri? ResumeFrom { get; init; }

    /// <summary>
    /// Remembers each file's upload URL under its <see cref="FileFingerprint"/>, so that sending the same
    /// file again continues the upload instead of starting over.
    /// </summary>
    public IResumeStore? ResumeStore { get; init; }

    /// <summary>
    /// Sends the file as a new upload even when the <see cref="ResumeStore"/> says the service holds it completed
    /// already (by default such a file is not sent again: <see cref="TusUpload.AlreadyUploaded"/>).
    /// </summary>
    public bool SendAgain { get; init; }

    /// <summary>
    /// Sends the file as this many partial uploads at once, joined by tus concatenation, when the service
    /// offers <c>concatenation</c> and <c>concatenation-unfinished</c>; otherwise as one upload.
    /// </summary>
    public int Parts { get; init; } = 1;

    /// <summary>Sends an <c>Upload-Checksum</c> with each chunk, in an algorithm the service lists.</summary>
    public bool Checksum { get; init; } = true;

    /// <summary>Holds the transfer below this many bytes per second (per part); no limit when null.</summary>
    public long? MaxBytesPerSecond { get; init; }
}
