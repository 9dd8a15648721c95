namespace OrleansUploads.Abstractions;

/// <summary>
/// Uploads that ended without completing (expired, cancelled, failed) whose stored bytes may still
/// need deleting. Grains never touch storage, so they list themselves here and the API deletes.
/// </summary>
public interface IDiscardedUploadsGrain : IGrainWithStringKey
{
    const string Key = "all";

    Task AddAsync(string uploadId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> PeekAsync(int max, CancellationToken cancellationToken = default);

    Task RemoveAsync(IReadOnlyList<string> uploadIds, CancellationToken cancellationToken = default);
}
