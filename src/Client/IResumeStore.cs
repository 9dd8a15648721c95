namespace OrleansUploads.Client;

/// <summary>Where a client remembers which upload belongs to which file, between runs.</summary>
/// <remarks>
/// A completed upload's entry stays (with <see cref="ResumeEntry.Completed"/>) so the file is not sent again;
/// a store bounds how many it keeps, as <see cref="FileResumeStore"/> does.
/// </remarks>
public interface IResumeStore
{
    ValueTask<ResumeEntry?> FindAsync(string fingerprint, CancellationToken cancellationToken = default);

    ValueTask SaveAsync(string fingerprint, ResumeEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The upload failed, was cancelled or is gone: a later send of the file starts a new one.</summary>
    ValueTask ForgetAsync(string fingerprint, CancellationToken cancellationToken = default);
}
