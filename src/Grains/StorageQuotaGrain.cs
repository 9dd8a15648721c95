using Orleans.Concurrency;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// One owner's stored bytes against a quota. Reentrant, with changes made at the same time stored in
/// one write, like the catalogs: every creation and ending of the owner's uploads passes here.
/// </summary>
/// <remarks>
/// Declared like <see cref="UploadCatalogGrain"/> and <see cref="UploadQueueGrain"/> (reentrant, one persisted
/// state) and kept apart from them: they keep sets of ids, this one sums bytes against a limit, and a
/// completed upload keeps its bytes here after it has left its owner's catalog, until it is deleted.
/// </remarks>
[Reentrant]
public sealed class StorageQuotaGrain(
    [PersistentState("quota", UploadStreams.UploadStore)] IPersistentState<StorageQuotaState> state)
    : Grain, IStorageQuotaGrain
{
    private readonly CoalescedStateWrites _writes = new(state);
    private SharedPass? _reconcile;

    /// <summary>When each upload reserved, in this activation: one reserved a moment ago may not exist yet, and is not reconciled away.</summary>
    private readonly Dictionary<string, DateTime> _reservedAt = [];

    private Dictionary<string, long> Reserved => state.State.Reserved;

    public async Task<bool> TryReserveAsync(string uploadId, long bytes, long limit, CancellationToken cancellationToken = default)
    {
        if (Reserved.ContainsKey(uploadId))
        {
            await _writes.SettledAsync();
            return true;
        }

        if (Reserved.Values.Sum() + bytes > limit)
        {
            await ReconcileAsync();
        }

        // Judged and taken in one turn, so uploads created side by side never pass the limit together.
        if (Reserved.ContainsKey(uploadId) || Reserved.Values.Sum() + bytes > limit)
        {
            return Reserved.ContainsKey(uploadId);
        }

        Reserved[uploadId] = bytes;
        _reservedAt[uploadId] = DateTime.UtcNow;
        await _writes.StoreChangeAsync();
        return true;
    }

    /// <summary>
    /// Gives back what uploads hold that no longer exist or are gone (their release was lost with a
    /// failure), so a quota never stays taken by bytes nobody keeps. Callers at the limit at the same
    /// time share one pass.
    /// </summary>
    private Task ReconcileAsync() => (_reconcile ??= new(ReconcileOnceAsync)).RunAsync();

    private async Task ReconcileOnceAsync()
    {
        var settled = DateTime.UtcNow - TimeSpan.FromMinutes(1);
        var ids = Reserved.Keys.Where(id => !_reservedAt.TryGetValue(id, out var at) || at < settled).ToArray();
        var statuses = await Task.WhenAll(ids.Select(id => GrainFactory.GetGrain<IUploadGrain>(id).PeekAsync()));
        var gone = ids.Where((_, index) => statuses[index] is not { } status || status.State.IsGone()).ToList();
        if (gone.Count(Reserved.Remove) > 0)
        {
            await _writes.StoreChangeAsync();
        }
    }

    public Task ReleaseAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        _reservedAt.Remove(uploadId);
        return Reserved.Remove(uploadId) ? _writes.StoreChangeAsync() : _writes.SettledAsync();
    }

    public Task<long> GetUsedAsync(CancellationToken cancellationToken = default) => Task.FromResult(Reserved.Values.Sum());
}
