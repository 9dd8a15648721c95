namespace OrleansUploads.Grains;

/// <summary>Changes to a persisted set of upload ids, written only when the set really changed.</summary>
internal static class UploadIdSet
{
    public static async Task AddAsync(this IPersistentState<UploadCatalogState> state, string uploadId, CancellationToken cancellationToken)
    {
        if (state.State.Active.Add(uploadId))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public static async Task RemoveAsync(this IPersistentState<UploadCatalogState> state, IEnumerable<string> uploadIds, CancellationToken cancellationToken)
    {
        if (uploadIds.Count(state.State.Active.Remove) > 0)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }
}
