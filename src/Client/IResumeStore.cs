namespace OrleansUploads.Client;

/// <summary>Where a client remembers which upload belongs to which file, between runs.</summary>
public interface IResumeStore
{
    ValueTask<ResumeEntry?> FindAsync(string fingerprint, CancellationToken cancellationToken = default);

    ValueTask SaveAsync(string fingerprint, ResumeEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The upload ended (completed, failed or gone): a later send of the file starts a new one.</summary>
    ValueTask ForgetAsync(string fingerprint, CancellationToken cancellationToken = default);
}
