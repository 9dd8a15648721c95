using Orleans.Concurrency;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// One owner's stored bytes against a quota. Reentrant, with changes made at the same time stored in
/// one write, like the catalogs: every creation and ending of the owner's uploads passes here.
/// </summary>
[Reentrant]
public sealed class StorageQuotaGrain(
    [PersistentState("quota", UploadStreams.UploadStore)] IPersistentState<StorageQuotaState> state)
    : Grain, IStorageQuotaGrain
{
    private readonly CoalescedStateWrites _writes = new(state);

    private Dictionary<string, long> Reserved => state.State.Reserved;

    public async Task<bool> TryReserveAsync(string uploadId, long bytes, long limit, CancellationToken cancellationToken = default)
    {
        if (Reserved.ContainsKey(uploadId))
        {
            await _writes.SettledAsync();
            return true;
        }

        // Judged and taken in one turn, so uploads created side by side never pass the limit together.
        if (Reserved.Values.Sum() + bytes > limit)
        {
            return false;
        }

        Reserved[uploadId] = bytes;
        await _writes.StoreChangeAsync();
        return true;
    }

    public Task ReleaseAsync(string uploadId, CancellationToken cancellationToken = default) =>
        Reserved.Remove(uploadId) ? _writes.StoreChangeAsync() : _writes.SettledAsync();

    public Task<long> GetUsedAsync(CancellationToken cancellationToken = default) => Task.FromResult(Reserved.Values.Sum());
}
