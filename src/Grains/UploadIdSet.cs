namespace OrleansUploads.Grains;

/// <summary>
/// A persisted set of upload ids, also kept in id order (ids are minted in time order, so that is
/// oldest first), whose changes made at the same time are stored in one write.
/// </summary>
internal sealed class UploadIdSet(IPersistentState<UploadCatalogState> state)
{
    private readonly CoalescedStateWrites _writes = new(state);
    private SortedSet<string>? _ordered;

    private HashSet<string> Stored => state.State.Active;

    // Built on first use, after the grain's state was read.
    private SortedSet<string> Ordered => _ordered ??= new(Stored, StringComparer.Ordinal);

    public int Count => Stored.Count;

    public bool Contains(string uploadId) => Stored.Contains(uploadId);

    public Task AddAsync(string uploadId)
    {
        if (!Stored.Add(uploadId))
        {
            // Perhaps a repeated call whose first is still being stored: answer once it is.
            return _writes.SettledAsync();
        }

        Ordered.Add(uploadId);
        return _writes.StoreChangeAsync();
    }

    public Task RemoveAsync(IEnumerable<string> uploadIds)
    {
        var removed = uploadIds.Where(Stored.Remove).ToList();
        _ordered?.ExceptWith(removed);
        return removed.Count > 0 ? _writes.StoreChangeAsync() : _writes.SettledAsync();
    }

    /// <summary>Up to <paramref name="max"/> ids in order, starting after <paramref name="after"/> (from the first when null).</summary>
    public IReadOnlyList<string> Page(string? after, int max)
    {
        if (Ordered.Count == 0 || (after is not null && string.CompareOrdinal(after, Ordered.Max) >= 0))
        {
            return [];
        }

        var from = after is null ? Ordered : Ordered.GetViewBetween(after, Ordered.Max!);
        return [.. from.Where(id => id != after).Take(max)];
    }
}
