using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace OrleansUploads.Api.Storage;

/// <summary>How an upload's blob names its blocks and commits them.</summary>
internal static class BlockIds
{
    /// <summary>The blob metadata entry holding the epoch of the writer that last claimed the blob.</summary>
    public const string EpochKey = "leaseepoch";

    /// <summary>
    /// The offset the block starts at and the epoch of the lease that wrote it, fixed-width (Azure wants
    /// all of a blob's block ids the same length): a retried block replaces its first try, and blocks
    /// of different writers never replace each other.
    /// </summary>
    public static string Of(long offset, long epoch) => Convert.ToBase64String(Encoding.ASCII.GetBytes($"{offset:D19}-{epoch:D19}"));

    /// <summary>Commits <paramref name="blocks"/> as the whole blob if it is still as <paramref name="etag"/> says; the new ETag.</summary>
    public static async Task<ETag> CommitAsync(BlockBlobClient blob, IEnumerable<string> blocks, long epoch, ETag etag)
    {
        try
        {
            var committed = await blob.CommitBlockListAsync(blocks, new CommitBlockListOptions
            {
                Conditions = new BlobRequestConditions { IfMatch = etag },
                Metadata = new Dictionary<string, string> { [EpochKey] = epoch.ToString() },
            });
            return committed.Value.ETag;
        }
        catch (RequestFailedException failure) when (failure.Status == StatusCodes.Status412PreconditionFailed)
        {
            throw new StaleWriterException($"Upload blob {blob.Name} was claimed by a newer writer than epoch {epoch}.");
        }
    }
}
