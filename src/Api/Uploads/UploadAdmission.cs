using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Hooks;
using OrleansUploads.Api.Limits;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Creating an upload, for every door that offers it (tus POST, multipart form): the validators first
/// (nothing exists until they accept), then the limit on unfinished uploads, then storage, then the grain.
/// </summary>
public sealed class UploadAdmission(
    IGrainFactory grains,
    IUploadStore store,
    IEnumerable<IUploadValidator> validators,
    UploadCounters counters,
    IOptions<LimitOptions> limits,
    IOptions<ValidationOptions> validation)
{
    /// <summary>The most unfinished uploads one owner may have; a refused creation names it.</summary>
    public int ActiveLimit => limits.Value.MaxActiveUploadsPerOwner;

    /// <param name="firstWriter">The writer of a body sent with the creation, granted the lease in the same step, with its length.</param>
    public async Task<Admission> CreateAsync(UploadCreation creation, CancellationToken cancellationToken, (IUploadWriter Writer, long? BodyLength)? firstWriter = null)
    {
        foreach (var validator in validators)
        {
            var verdict = await validator.ValidateAsync(creation, cancellationToken);
            if (verdict.Refused)
            {
                return new Admission(null, verdict.RefusedWith, verdict.Message);
            }

            if (verdict.AddedMetadata is { Count: > 0 } added)
            {
                creation = creation with { Metadata = UploadMetadata.Of(creation.Metadata).With(added) };
            }
        }

        var id = UploadId.New();
        var quota = creation.Quota ?? creation.Owner;
        UploadStatus? created = null;
        try
        {
            if (validation.Value.MaxBytesPerOwner is { } maxBytes && creation.TotalBytes is { } bytes)
            {
                // Not cut short by the client leaving: a reservation made is one this method gives back.
                if (!await grains.GetGrain<IStorageQuotaGrain>(quota).TryReserveAsync(id, bytes, maxBytes, CancellationToken.None))
                {
                    return new Admission(null, StatusCodes.Status403Forbidden,
                        $"This upload of {bytes} bytes would take your stored and unfinished uploads past the quota of {maxBytes} bytes; delete or finish some first.");
                }

                creation = creation with { HoldsBytes = true };
            }

            if (!await grains.GetGrain<IUploadCatalogGrain>(quota).TryAddAsync(id, ActiveLimit, cancellationToken))
            {
                return new Admission(null, StatusCodes.Status429TooManyRequests, $"At most {ActiveLimit} unfinished uploads are allowed at once; finish or cancel one first.");
            }

            await store.CreateAsync(id, cancellationToken);
            var grain = grains.GetGrain<IUploadGrain>(id);
            var grant = firstWriter is var (writer, bodyLength) ? await grain.CreateWritingAsync(creation, writer, bodyLength, cancellationToken) : null;
            created = grant is not null ? grant.Status! : await grain.CreateAsync(creation, cancellationToken);
            counters.CountCreated(created);
            return new Admission(created, null, null, grant);
        }
        finally
        {
            if (creation.HoldsBytes && created is null)
            {
                await grains.GetGrain<IStorageQuotaGrain>(quota).ReleaseAsync(id, CancellationToken.None);
            }
        }
    }
}

/// <summary>
/// The new upload, or the status and reason it was refused with (too many unfinished uploads, a
/// validator's no); with the first writer's lease when one asked at creation.
/// </summary>
public sealed record Admission(UploadStatus? Created, int? RefusedWith, string? Message, LeaseGrant? FirstGrant = null);
