using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>The uploads whose bytes are waiting to be deleted, kept until the API confirms each deletion.</summary>
/// <remarks>
/// Declared like <see cref="UploadCatalogGrain"/> (both keep a set of ids through <see cref="UploadIdSet"/>);
/// they stay two grains because one is cluster-wide and drained in batches, the other is per owner and limited.
/// </remarks>
public sealed class DiscardedUploadsGrain(
    [PersistentState("discarded", UploadStreams.UploadStore)] IPersistentState<UploadCatalogState> state)
    : Grain, IDiscardedUploadsGrain
{
    public Task AddAsync(string uploadId, CancellationToken cancellationToken = default) => state.AddAsync(uploadId, cancellationToken);

    public Task<IReadOnlyList<string>> PeekAsync(int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Active.Take(max)]);

    public Task RemoveAsync(IReadOnlyList<string> uploadIds, CancellationToken cancellationToken = default) => state.RemoveAsync(uploadIds, cancellationToken);
}
