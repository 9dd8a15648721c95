using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// One block blob per upload in an Azure Storage container: bytes are staged as blocks, durable once
/// staged, and the block list is committed now and then and when a request ends
/// (<see cref="BlockBlobAppendStream"/>). The blob is a prefix of the upload, readable with ranges
/// while it runs; a claim or a seal takes in the blocks staged after it (<see cref="BlockChain"/>).
/// </summary>
public sealed class AzureBlobUploadStore(BlobContainerClient container, int blockSize) : IUploadStore
{
    /// <summary>Makes the container when it is missing.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (Exception failure) when (failure is RequestFailedException or AggregateException)
        {
            throw new StartRefusedException(
                $"Azure Blob storage at {container.Uri} cannot be used (check Storage:Azure:ConnectionString and the account's keys): {failure.Message}", failure);
        }
    }

    public Task CreateAsync(string uploadId, CancellationToken cancellationToken) => AzureFailure.MapAsync(async () =>
    {
        try
        {
            await Blob(uploadId).CommitBlockListAsync([], new CommitBlockListOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                Metadata = new Dictionary<string, string> { [BlockIds.EpochKey] = "0" },
            }, cancellationToken);
        }
        catch (RequestFailedException failure) when (failure.Status == StatusCodes.Status409Conflict)
        {
            // The SDK may have retried a create whose first answer was lost: an empty, unclaimed blob is ours.
            var existing = (await Blob(uploadId).GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            if (existing.ContentLength != 0 || (existing.Metadata.TryGetValue(BlockIds.EpochKey, out var created) ? created : null) != "0")
            {
                // As a file store's create-new would: an id is never created twice.
                throw new IOException($"Upload blob {uploadId} already exists.", failure);
            }
        }
    });

    public Task<long?> GetLengthAsync(string uploadId, CancellationToken cancellationToken) => AzureFailure.MapAsync<long?>(async () =>
    {
        try
        {
            return (await BlockChain.ReadAsync(Blob(uploadId), cancellationToken)).Length;
        }
        catch (RequestFailedException failure) when (failure.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            // Only a missing blob means nothing is stored; a missing container is a store that is not
            // what it should be, and concludes nothing (as a file store without its marker).
            return null;
        }
        catch (RequestFailedException failure) when (failure.Status == StatusCodes.Status404NotFound)
        {
            throw new StorageUnavailableException($"Azure Blob storage answered {failure.ErrorCode} for upload {uploadId}; is the container there?");
        }
    });

    public async Task<UploadAppendStream> OpenAppendAsync(string uploadId, long offset, long epoch, CancellationToken cancellationToken)
    {
        var blob = Blob(uploadId);
        var (blocks, etag) = await ClaimAsync(blob, offset, epoch, cancellationToken);
        return new BlockBlobAppendStream(blob, blocks, offset, epoch, etag, blockSize);
    }

    public Task TruncateAsync(string uploadId, long length, long epoch, CancellationToken cancellationToken) =>
        ClaimAsync(Blob(uploadId), length, epoch, cancellationToken);

    /// <summary>Commits the blocks staged after the committed list, when a writer stopped before it could.</summary>
    public Task SealAsync(string uploadId, long length, CancellationToken cancellationToken) => AzureFailure.MapAsync(async () =>
    {
        var blob = Blob(uploadId);
        for (var attempt = 1; ; attempt++)
        {
            var chain = await BlockChain.ReadAsync(blob, cancellationToken);
            if (chain.Committed == length)
            {
                return;
            }

            try
            {
                await BlockIds.CommitAsync(blob, chain.CutTo(length, blob.Name), chain.Epoch, chain.ETag);
                return;
            }
            catch (StaleWriterException) when (attempt < BlockChain.Attempts)
            {
                // Sealed, or committed by its writer, between the read and this commit: read again.
            }
        }
    });

    public Task<Stream> OpenReadAsync(string uploadId, CancellationToken cancellationToken) => AzureFailure.MapAsync(async () =>
    {
        try
        {
            // A running upload's blob grows under the reader; each read sees a committed prefix.
            return await Blob(uploadId).OpenReadAsync(new BlobOpenReadOptions(allowModifications: true), cancellationToken);
        }
        catch (RequestFailedException failure) when (failure.Status == StatusCodes.Status404NotFound)
        {
            throw new FileNotFoundException($"Upload {uploadId} has no blob.");
        }
    });

    public Task DeleteAsync(string uploadId, CancellationToken cancellationToken) =>
        AzureFailure.MapAsync(() => Blob(uploadId).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken));

    /// <summary>
    /// Makes the blob end at <paramref name="offset"/> for the writer of <paramref name="epoch"/>, which
    /// from then on is the only one whose commits succeed: commits the durable blocks up to the offset
    /// (the previous writer's staged ones too) and records the epoch, which drops every block past it
    /// (bytes a crashed or stale writer stored but never reported). Refused with
    /// <see cref="StaleWriterException"/> once a newer epoch claimed the blob.
    /// </summary>
    private static Task<(List<string> Blocks, ETag ETag)> ClaimAsync(BlockBlobClient blob, long offset, long epoch, CancellationToken cancellationToken) =>
        AzureFailure.MapAsync(async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                var chain = await BlockChain.ReadAsync(blob, cancellationToken);
                if (chain.Epoch > epoch)
                {
                    throw new StaleWriterException($"Upload blob {blob.Name} was claimed by epoch {chain.Epoch}, newer than {epoch}.");
                }

                var kept = chain.CutTo(offset, blob.Name);
                try
                {
                    return (kept, await BlockIds.CommitAsync(blob, kept, epoch, chain.ETag));
                }
                catch (StaleWriterException) when (attempt < BlockChain.Attempts)
                {
                    // Another writer committed between the read and this claim: read again.
                }
            }
        });

    private BlockBlobClient Blob(string uploadId) => container.GetBlockBlobClient(uploadId);
}
