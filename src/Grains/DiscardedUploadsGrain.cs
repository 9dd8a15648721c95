using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>The uploads whose bytes are waiting to be deleted, kept until the API confirms each deletion.</summary>
public sealed class DiscardedUploadsGrain(
    [PersistentState("discarded", UploadStreams.UploadStore)] IPersistentState<UploadCatalogState> state)
    : Grain, IDiscardedUploadsGrain
{
    public async Task AddAsync(string uploadId, CancellationToken cancellationToken = default)
    {
        if (state.State.Active.Add(uploadId))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public Task<IReadOnlyList<string>> PeekAsync(int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Active.Take(max)]);

    public async Task RemoveAsync(IReadOnlyList<string> uploadIds, CancellationToken cancellationToken = default)
    {
        if (uploadIds.Count(state.State.Active.Remove) > 0)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }
}
