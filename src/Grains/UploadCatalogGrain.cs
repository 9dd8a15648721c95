using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>Keeps the ids of one owner's unfinished uploads; the uploads add and remove themselves.</summary>
/// <remarks>Declared like <see cref="DiscardedUploadsGrain"/>, which says why they are two grains.</remarks>
public sealed class UploadCatalogGrain(
    [PersistentState("catalog", UploadStreams.UploadStore)] IPersistentState<UploadCatalogState> state)
    : Grain, IUploadCatalogGrain
{
    public Task AddAsync(string uploadId, CancellationToken cancellationToken = default) => state.AddAsync(uploadId, cancellationToken);

    public async Task<bool> TryAddAsync(string uploadId, int limit, CancellationToken cancellationToken = default)
    {
        if (!state.State.Active.Contains(uploadId) && state.State.Active.Count >= limit)
        {
            return false;
        }

        await state.AddAsync(uploadId, cancellationToken);
        return true;
    }

    public Task RemoveAsync(string uploadId, CancellationToken cancellationToken = default) => state.RemoveAsync([uploadId], cancellationToken);

    public Task<IReadOnlyList<string>> GetActiveAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Active]);
}
