using Orleans.Concurrency;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>A queue of uploads waiting for the API to work on their bytes, kept until the API confirms each one.</summary>
/// <remarks>
/// Declared like <see cref="UploadCatalogGrain"/> (both keep a set of ids through <see cref="UploadIdSet"/>);
/// they stay two grains because a queue is cluster-wide and drained in batches, a catalog is per owner and limited.
/// Reentrant so that uploads added at the same time are stored in one write.
/// </remarks>
[Reentrant]
public sealed class UploadQueueGrain(
    [PersistentState("queue", UploadStreams.UploadStore)] IPersistentState<UploadCatalogState> state)
    : Grain, IUploadQueueGrain
{
    private readonly UploadIdSet _queued = new(state);

    public Task AddAsync(string uploadId, CancellationToken cancellationToken = default) => _queued.AddAsync(uploadId);

    public Task<IReadOnlyList<string>> PeekAsync(int max, CancellationToken cancellationToken = default) =>
        Task.FromResult(_queued.Page(after: null, max));

    public Task RemoveAsync(IReadOnlyList<string> uploadIds, CancellationToken cancellationToken = default) => _queued.RemoveAsync(uploadIds);
}
