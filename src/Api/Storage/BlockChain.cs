using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// The blocks that hold an upload's durable bytes, in order: the blob's committed list, then the blocks
/// its last claimer staged after them and has not committed yet. A staged block is durable (the offset
/// is reported once it is staged), so whoever reads the upload next takes those blocks in.
/// </summary>
/// <remarks>
/// Only the last claimer's staged blocks count: a stale writer's carry another epoch in their ids, and
/// a claim commits the chain it keeps, which makes every block left out of it go away.
/// </remarks>
internal sealed class BlockChain
{
    private readonly List<BlockChainLink> _blocks;

    private BlockChain(List<BlockChainLink> blocks, long epoch, Azure.ETag etag, long committed) =>
        (_blocks, Epoch, ETag, Committed) = (blocks, epoch, etag, committed);

    /// <summary>The epoch of the writer that last claimed the blob.</summary>
    public long Epoch { get; }

    public Azure.ETag ETag { get; }

    /// <summary>How many bytes the committed list holds: what a reader of the blob sees.</summary>
    public long Committed { get; }

    public long Length => _blocks.Sum(block => block.Size);

    /// <summary>Attempts at a consistent read before the blob counts as too busy to read.</summary>
    public const int Attempts = 10;

    public static async Task<BlockChain> ReadAsync(BlockBlobClient blob, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            var epoch = properties.Metadata.TryGetValue(BlockIds.EpochKey, out var claimed) ? long.Parse(claimed) : 0;
            var list = (await blob.GetBlockListAsync(BlockListTypes.All, cancellationToken: cancellationToken)).Value;
            // The epoch and the blocks must belong together: nothing was committed between the two reads.
            // The list names its ETag only when the blob has committed blocks; otherwise the properties are read again.
            var listed = list.ETag != default ? list.ETag : (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ETag;
            if (listed != properties.ETag)
            {
                if (attempt == Attempts)
                {
                    throw new StorageUnavailableException($"Upload blob {blob.Name} changed under every one of {Attempts} reads.");
                }

                continue;
            }

            var blocks = list.CommittedBlocks.Select(block => new BlockChainLink(block.Name, block.SizeLong)).ToList();
            var end = blocks.Sum(block => block.Size);
            var staged = list.UncommittedBlocks
                .Where(block => BlockIds.EpochOf(block.Name) == epoch)
                .ToDictionary(block => BlockIds.OffsetOf(block.Name));
            while (staged.TryGetValue(end, out var next))
            {
                blocks.Add(new BlockChainLink(next.Name, next.SizeLong));
                end += next.SizeLong;
            }

            return new BlockChain(blocks, epoch, properties.ETag, properties.ContentLength);
        }
    }

    /// <summary>The ids of the blocks that end at <paramref name="offset"/>.</summary>
    /// <exception cref="IOException">No block ends there.</exception>
    public List<string> CutTo(long offset, string blobName)
    {
        var kept = new List<string>();
        long end = 0;
        foreach (var block in _blocks.TakeWhile(_ => end < offset))
        {
            kept.Add(block.Id);
            end += block.Size;
        }

        return end == offset ? kept : throw new IOException($"Upload blob {blobName} holds no block boundary at {offset} (its blocks reach {end}).");
    }

    private sealed record BlockChainLink(string Id, long Size);
}
