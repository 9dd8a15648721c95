using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// The one way from an id a client sent to an upload's grain. Ids that this service could not have
/// minted name no upload, so they never activate a grain.
/// </summary>
public sealed class UploadLookup(IGrainFactory grains, StoredCompletion completion)
{
    /// <summary>The upload's grain, or null for an id that is not one of ours.</summary>
    public IUploadGrain? GrainOf(string? uploadId) =>
        UploadId.IsValid(uploadId) ? grains.GetGrain<IUploadGrain>(uploadId) : null;

    /// <summary>
    /// The owner's upload with this id; null for a malformed id, an unknown one or another owner's.
    /// An upload found with all its bytes stored but not completed is completed first.
    /// </summary>
    public Task<UploadStatus?> FindAsync(string? uploadId, string owner, CancellationToken cancellationToken = default) =>
        CompletedIfAllStoredAsync(uploadId, grain => grain.GetStatusAsync(owner, cancellationToken));

    /// <summary>
    /// As <see cref="FindAsync"/>, for a watcher already subscribed to the upload's stream: from now on
    /// the upload publishes every change (see <see cref="IUploadGrain.WatchAsync"/>).
    /// </summary>
    public Task<UploadStatus?> WatchAsync(string uploadId, string owner) =>
        CompletedIfAllStoredAsync(uploadId, grain => grain.WatchAsync(owner));

    private async Task<UploadStatus?> CompletedIfAllStoredAsync(string? uploadId, Func<IUploadGrain, Task<UploadStatus?>> read)
    {
        if (GrainOf(uploadId) is not { } grain || await read(grain) is not { } status)
        {
            return null;
        }

        return await completion.CompleteIfAllStoredAsync(grain, status);
    }

    /// <summary>The owner's upload as its grain has it, not completed even when all its bytes are stored.</summary>
    public async Task<UploadStatus?> FindAsIsAsync(string? uploadId, string owner) =>
        GrainOf(uploadId) is { } grain ? await grain.GetStatusAsync(owner) : null;

    /// <summary>
    /// A page of the owner's unfinished uploads, oldest first, after the upload <paramref name="after"/>
    /// (from the oldest when null). The page's ids come from the owner's catalog, so only the uploads on
    /// the page are asked for their status, however many there are.
    /// </summary>
    public async Task<ActivePage> ActivePageAsync(string owner, string? after, int max)
    {
        var ids = await grains.GetGrain<IUploadCatalogGrain>(owner).GetPageAsync(after, max);
        var statuses = await Task.WhenAll(ids.Select(id => grains.GetGrain<IUploadGrain>(id).GetStatusAsync(owner)));
        return new([.. statuses.OfType<UploadStatus>().Where(s => !s.State.IsTerminal())], ids.Count == max ? ids[^1] : null);
    }
}

/// <summary>One page of unfinished uploads; <paramref name="Next"/> is where the next page starts, null on the last.</summary>
public sealed record ActivePage(UploadStatus[] Uploads, string? Next);
