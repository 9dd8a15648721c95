using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>A queue of uploads waiting for the API to work on their bytes, kept until the API confirms each one.</summary>
/// <remarks>
/// Declared like <see cref="UploadCatalogGrain"/> (both keep a set of ids through <see cref="UploadIdSet"/>);
/// they stay two grains because a queue is cluster-wide and drained in batches, a catalog is per owner and limited.
/// </remarks>
public sealed class UploadQueueGrain(
    [PersistentState("queue", UploadStreams.UploadStore)] IPersistentState<UploadCatalogState> state)
    : Grain, IUploadQueueGrain
{
    public Task AddAsync(string uploadId, CancellationToken cancellationToken = default) => state.AddAsync(uploadId, cancellationToken);

    public Task<IReadOnlyList<string>> PeekAsync(int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Active.Take(max)]);

    public Task RemoveAsync(IReadOnlyList<string> uploadIds, CancellationToken cancellationToken = default) => state.RemoveAsync(uploadIds, cancellationToken);
}
