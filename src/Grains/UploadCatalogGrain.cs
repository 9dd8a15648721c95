using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>Keeps the ids of one owner's unfinished uploads; the uploads add and remove themselves.</summary>
/// <remarks>Declared like <see cref="UploadQueueGrain"/>, which says why they are two grains.</remarks>
public sealed class UploadCatalogGrain(
    [PersistentState("catalog", UploadStreams.UploadStore)] IPersistentState<UploadCatalogState> state)
    : Grain, IUploadCatalogGrain
{
    public Task AddAsync(string uploadId, CancellationToken cancellationToken = default) => state.AddAsync(uploadId, cancellationToken);

    public async Task<bool> TryAddAsync(string uploadId, int limit, CancellationToken cancellationToken = default)
    {
        if (!state.State.Active.Contains(uploadId) && state.State.Active.Count >= limit && await ReconcileAsync(cancellationToken) >= limit)
        {
            return false;
        }

        await state.AddAsync(uploadId, cancellationToken);
        return true;
    }

    /// <summary>
    /// Drops the ids whose upload has ended or no longer exists (its grain state was lost, or it ended
    /// while this catalog could not be told), so a slot never stays taken by an upload that is gone.
    /// </summary>
    /// <returns>How many unfinished uploads remain.</returns>
    private async Task<int> ReconcileAsync(CancellationToken cancellationToken)
    {
        var ids = state.State.Active.ToArray();
        var statuses = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IUploadGrain>(id).PeekAsync(cancellationToken)));
        await state.RemoveAsync(ids.Where((_, index) => statuses[index] is not { } status || status.State.IsTerminal()), cancellationToken);
        return state.State.Active.Count;
    }

    public Task RemoveAsync(string uploadId, CancellationToken cancellationToken = default) => state.RemoveAsync([uploadId], cancellationToken);

    public Task<IReadOnlyList<string>> GetActiveAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Active]);
}
