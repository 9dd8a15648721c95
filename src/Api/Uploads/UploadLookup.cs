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
    public async Task<UploadStatus?> FindAsync(string? uploadId, string owner, CancellationToken cancellationToken = default)
    {
        if (GrainOf(uploadId) is not { } grain || await grain.GetStatusAsync(owner, cancellationToken) is not { } status)
        {
            return null;
        }

        return await completion.CompleteIfAllStoredAsync(grain, status);
    }

    /// <summary>The owner's unfinished uploads, oldest first.</summary>
    public async Task<UploadStatus[]> ActiveOfAsync(string owner)
    {
        var ids = await grains.GetGrain<IUploadCatalogGrain>(owner).GetActiveAsync();
        var statuses = await Task.WhenAll(ids.Select(id => grains.GetGrain<IUploadGrain>(id).GetStatusAsync(owner)));
        return [.. statuses.OfType<UploadStatus>().Where(s => !s.State.IsTerminal()).OrderBy(s => s.CreatedAt)];
    }
}
