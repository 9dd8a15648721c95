using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Limits;
using OrleansUploads.Api.Storage;
using OrleansUploads.Api.Tus;

namespace OrleansUploads.Api.Uploads;

/// <summary>Creating an upload, for every door that offers it (tus POST, multipart form): limits first, then storage, then the grain.</summary>
public sealed class UploadAdmission(IGrainFactory grains, IUploadStore store, IOptions<LimitOptions> limits)
{
    /// <returns>The new upload's status, or a refusal when the owner has too many unfinished uploads.</returns>
    public async Task<(UploadStatus? Status, IResult? Refusal)> CreateAsync(UploadCreation creation, CancellationToken cancellationToken)
    {
        var id = UploadId.New();
        var limit = limits.Value.MaxActiveUploadsPerOwner;
        if (!await grains.GetGrain<IUploadCatalogGrain>(creation.Owner).TryAddAsync(id, limit, cancellationToken))
        {
            return (null, new TooManyUploads(limit));
        }

        await store.CreateAsync(id, cancellationToken);
        return (await grains.GetGrain<IUploadGrain>(id).CreateAsync(creation, cancellationToken), null);
    }

    /// <summary>429 with a Retry-After: the owner may try again once an upload finishes.</summary>
    private sealed class TooManyUploads(int limit) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.RetryAfter = "60";
            return TusResults.Problem(StatusCodes.Status429TooManyRequests, $"At most {limit} unfinished uploads are allowed at once; finish or cancel one first.")
                .ExecuteAsync(context);
        }
    }
}
