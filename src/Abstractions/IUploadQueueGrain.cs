namespace OrleansUploads.Abstractions;

/// <summary>
/// Uploads waiting for work on their stored bytes that grains cannot do, since grains never touch
/// storage: they list themselves here and the API does it, then confirms. One queue per kind of work
/// (<see cref="UploadQueues"/>).
/// </summary>
public interface IUploadQueueGrain : IGrainWithStringKey
{
    Task AddAsync(string uploadId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<string>> PeekAsync(int max, CancellationToken cancellationToken = default);

    Task RemoveAsync(IReadOnlyList<string> uploadIds, CancellationToken cancellationToken = default);
}
