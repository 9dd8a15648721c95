using Orleans.Concurrency;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>Keeps the ids of one owner's unfinished uploads; the uploads add and remove themselves.</summary>
/// <remarks>
/// Declared like <see cref="UploadQueueGrain"/>, which says why they are two grains. Reentrant so that
/// uploads created or ended at the same time are stored in one write: with every anonymous upload in one
/// owner's catalog, a write per upload would make this grain the bottleneck of the whole service.
/// </remarks>
[Reentrant]
public sealed class UploadCatalogGrain(
    [PersistentState("catalog", UploadStreams.UploadStore)] IPersistentState<UploadCatalogState> state)
    : Grain, IUploadCatalogGrain
{
    private readonly UploadIdSet _unfinished = new(state);
    private SharedPass? _reconcile;

    public Task AddAsync(string uploadId, CancellationToken cancellationToken = default) => _unfinished.AddAsync(uploadId);

    public async Task<bool> TryAddAsync(string uploadId, int limit, CancellationToken cancellationToken = default)
    {
        if (Full(uploadId, limit))
        {
            await ReconcileAsync();

            // Judged again in the turn that adds, so uploads admitted while reconciling count too.
            if (Full(uploadId, limit))
            {
                return false;
            }
        }

        await _unfinished.AddAsync(uploadId);
        return true;
    }

    private bool Full(string uploadId, int limit) => !_unfinished.Contains(uploadId) && _unfinished.Count >= limit;

    /// <summary>
    /// Drops the ids whose upload has ended or no longer exists (its grain state was lost, or it ended
    /// while this catalog could not be told), so a slot never stays taken by an upload that is gone.
    /// Callers that find the catalog full at the same time share one pass.
    /// </summary>
    private Task ReconcileAsync() => (_reconcile ??= new(ReconcileOnceAsync)).RunAsync();

    private async Task ReconcileOnceAsync()
    {
        var ids = _unfinished.Page(after: null, _unfinished.Count);
        var statuses = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IUploadGrain>(id).PeekAsync()));
        await _unfinished.RemoveAsync(ids.Where((_, index) => statuses[index] is not { } status || status.State.IsTerminal()));
    }

    public Task RemoveAsync(string uploadId, CancellationToken cancellationToken = default) => _unfinished.RemoveAsync([uploadId]);

    public Task<IReadOnlyList<string>> GetPageAsync(string? after, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult(_unfinished.Page(after, max));
}
