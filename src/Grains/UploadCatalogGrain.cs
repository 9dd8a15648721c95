using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>Keeps the ids of one owner's unfinished uploads; the uploads add and remove themselves.</summary>
public sealed class UploadCatalogGrain(
    [PersistentState("catalog", UploadStreams.UploadStore)] IPersistentState<UploadCatalogState> state)
    : Grain, IUploadCatalogGrain
{
    public async Task AddAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        if (state.State.Active.Add(uploadId))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<bool> TryAddAsync(string uploadId, int limit, CancellationToken cancellationToken = default)
    {
        if (state.State.Active.Contains(uploadId))
        {
            return true;
        }

        if (state.State.Active.Count >= limit)
        {
            return false;
        }

        await AddAsync(uploadId, cancellationToken);
        return true;
    }

    public async Task RemoveAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        if (state.State.Active.Remove(uploadId))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public Task<IReadOnlyList<string>> GetActiveAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Active]);
}
