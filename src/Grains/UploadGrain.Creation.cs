using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>Creating an upload: on its own, or with the writer of its first body holding the lease from the start.</summary>
public sealed partial class UploadGrain
{
    public async Task<UploadStatus> CreateAsync(UploadCreation creation, CancellationToken cancellationToken = default)
    {
        if (Upload.Exists)
        {
            return Snapshot();
        }

        Describe(creation);
        if (creation.TotalBytes == 0 && Upload.Parts is null)
        {
            // Nothing to wait for: an empty file is whole the moment it is declared.
            Upload.StartedAt = Upload.CreatedAt;
            Upload.Sha256 = EmptySha256;
            await FinishAsync(UploadState.Completed, error: null);
            return Snapshot();
        }

        await StoreCreatedAsync();
        return Snapshot();
    }

    /// <summary>
    /// Creation with a body (tus creation-with-upload): the upload is stored once, already leased to
    /// the body's writer, where creating and then granting would store and publish it twice. Bodies it
    /// would refuse, and uploads that take no bytes (empty or final), go the two-step way.
    /// </summary>
    public async Task<LeaseGrant> CreateWritingAsync(UploadCreation creation, IUploadWriter writer, long? bodyLength, CancellationToken cancellationToken = default)
    {
        if (Upload.Exists || creation.TotalBytes == 0 || creation.Parts is { Length: > 0 } || bodyLength > creation.TotalBytes)
        {
            await CreateAsync(creation, cancellationToken);
            return await AcquireLeaseAsync(0, writer, creation.Owner, bodyLength, cancellationToken: cancellationToken);
        }

        Describe(creation);
        var lease = Grant(writer);
        try
        {
            await StoreCreatedAsync();
        }
        catch (Exception)
        {
            // Not granted after all. Once the upload was stored, its lease must not stay stored either:
            // it shows paused, not uploading (the next activation would pause it anyway).
            EndLease(lease);
            if (_durable.Exists)
            {
                try
                {
                    await PersistAndPublishAsync();
                }
                catch (Exception)
                {
                    // Storage fails as it did: the caller hears the first failure.
                }
            }

            throw;
        }

        return new LeaseGrant(lease.Id, null, Snapshot(), Upload.LeaseEpoch);
    }

    private void Describe(UploadCreation creation)
    {
        Upload.Exists = true;
        Upload.TotalBytes = creation.TotalBytes;
        Upload.FileName = creation.FileName;
        Upload.ContentType = creation.ContentType;
        Upload.Metadata = creation.Metadata;
        Upload.Owner = creation.Owner;
        Upload.Quota = creation.Quota == creation.Owner ? null : creation.Quota;
        Upload.HoldsBytes = creation.HoldsBytes;
        Upload.Partial = creation.Partial;
        if (creation.Parts is { Length: > 0 } parts)
        {
            Upload.Parts = parts;
            Upload.PartProgress = [.. parts.Select(_ => new PartProgress(0, null, UploadState.Created))];
            Upload.TotalBytes = null;
        }

        Upload.State = UploadState.Created;
        Upload.CreatedAt = clock.GetUtcNow();
        Upload.ExpiresAt = Upload.CreatedAt + _options.ExpireAfter;
    }

    /// <summary>
    /// Stored and published, then due to expire, on its owner's list, and joined to its parts. Once
    /// stored, the rest is not cut short by a client that leaves.
    /// </summary>
    private async Task StoreCreatedAsync()
    {
        await PersistAndPublishAsync();
        await ScheduleEndingAsync();
        await Catalog.AddAsync(UploadId, CancellationToken.None);
        await JoinPartsAsync();
    }
}
