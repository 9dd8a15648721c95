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

    public static long OffsetOf(string id) => long.Parse(Decoded(id)[..19]);

    /// <summary>The epoch of the writer that staged the block, or -1 for an id this store did not make.</summary>
    public static long EpochOf(string id) => Decoded(id) is { Length: 39 } decoded && long.TryParse(decoded[20..], out var epoch) ? epoch : -1;

    private static string Decoded(string id)
    {
        Span<byte> bytes = stackalloc byte[64];
        return Convert.TryFromBase64String(id, bytes, out var written) ? Encoding.ASCII.GetString(bytes[..written]) : "";
    }

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
            return await CommittedAlreadyAsync(blob, blocks, epoch)
                ?? throw new StaleWriterException($"Upload blob {blob.Name} was claimed by a newer writer than epoch {epoch}.");
        }
    }

    /// <summary>
    /// The blob's ETag when it already holds exactly <paramref name="blocks"/> under <paramref name="epoch"/>:
    /// the SDK retried a commit whose first answer was lost, and the retry's condition no longer held.
    /// Only this writer commits under its epoch, so the same list there is its own commit.
    /// </summary>
    private static async Task<ETag?> CommittedAlreadyAsync(BlockBlobClient blob, IEnumerable<string> blocks, long epoch)
    {
        var properties = (await blob.GetPropertiesAsync()).Value;
        if (!properties.Metadata.TryGetValue(EpochKey, out var claimed) || claimed != epoch.ToString())
        {
            return null;
        }

        var committed = (await blob.GetBlockListAsync(BlockListTypes.Committed)).Value;
        return committed.ETag == properties.ETag && committed.CommittedBlocks.Select(block => block.Name).SequenceEqual(blocks) ? properties.ETag : null;
    }
}
