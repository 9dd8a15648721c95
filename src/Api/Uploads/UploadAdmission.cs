using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Limits;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>Creating an upload, for every door that offers it (tus POST, multipart form): limits first, then storage, then the grain.</summary>
public sealed class UploadAdmission(IGrainFactory grains, IUploadStore store, IOptions<LimitOptions> limits)
{
    /// <summary>The most unfinished uploads one owner may have; a refused creation names it.</summary>
    public int ActiveLimit => limits.Value.MaxActiveUploadsPerOwner;

    /// <returns>The new upload's status, or null when the owner already has <see cref="ActiveLimit"/> unfinished uploads.</returns>
    public async Task<UploadStatus?> CreateAsync(UploadCreation creation, CancellationToken cancellationToken)
    {
        var id = UploadId.New();
        if (!await grains.GetGrain<IUploadCatalogGrain>(creation.Quota ?? creation.Owner).TryAddAsync(id, ActiveLimit, cancellationToken))
        {
            return null;
        }

        await store.CreateAsync(id, cancellationToken);
        return await grains.GetGrain<IUploadGrain>(id).CreateAsync(creation, cancellationToken);
    }
}
