namespace OrleansUploads.Api.Storage;

/// <summary>
/// What an upload holds in S3, kept as a small object beside it and replaced (conditionally on its
/// ETag) at every change: the multipart upload, the parts that are the upload's bytes in order, and
/// the tail, bytes too few for a part yet (S3 wants 5 MiB in every part but the last), stored as an
/// object of their own. Parts a crashed or stale writer sent but never listed here are not the
/// upload's: completion names only these.
/// </summary>
/// <param name="Settled">Its writer ended cleanly: no part of it can still be on its way.</param>
internal sealed record MultipartManifest(string MultipartId, long Epoch, int NextPart, IReadOnlyList<StoredPart> Parts, StoredTail? Tail, bool Settled)
{
    /// <summary>S3's most parts in one multipart upload.</summary>
    public const int MostParts = 10_000;

    public long PartsEnd => Parts.Sum(part => part.Size);

    /// <summary>Every byte the upload holds: its parts, then its tail.</summary>
    public long Length => PartsEnd + (Tail?.Size ?? 0);

    public static MultipartManifest Started(string multipartId) => new(multipartId, 0, 1, [], null, Settled: true);

    /// <summary>
    /// The manifest of a writer of <paramref name="epoch"/> resuming at <paramref name="offset"/>: the parts
    /// wholly before it, and as tail the bytes between the last of them and the offset. Those bytes are in
    /// the tail object, or, once a part took them in, in the tail object that part began with.
    /// </summary>
    /// <remarks>
    /// Unless the previous writer ended cleanly, the next part number skips one: that writer may still be
    /// sending the part numbered as this manifest's next, and S3 would let it replace one of the new
    /// writer's parts. Skipping only then keeps the numbers for the bytes (S3 allows <see cref="MostParts"/>).
    /// </remarks>
    /// <exception cref="IOException">No stored bytes end at the offset.</exception>
    /// <param name="writing">A writer will send parts under this manifest (a claim that only cuts back leaves it settled).</param>
    public MultipartManifest ClaimedAt(long offset, long epoch, bool writing)
    {
        var kept = new List<StoredPart>();
        long end = 0;
        foreach (var part in Parts.TakeWhile(part => end + part.Size <= offset))
        {
            kept.Add(part);
            end += part.Size;
        }

        var source = kept.Count < Parts.Count ? Parts[kept.Count].BeganWith : Tail;
        var tailSize = offset - end;
        if (tailSize > 0 && (source is null || source.Size < tailSize))
        {
            throw new IOException($"No stored bytes of multipart upload {MultipartId} end at {offset} (its parts reach {end}, then {source?.Size ?? 0} bytes of tail).");
        }

        return new MultipartManifest(MultipartId, epoch, Settled ? NextPart : NextPart + 1, kept, tailSize > 0 ? source! with { Size = tailSize } : null, Settled: !writing);
    }

    /// <summary>A part stored after the others; the tail it began with is now in it.</summary>
    public MultipartManifest WithPart(StoredPart part) => this with { NextPart = part.Number + 1, Parts = [.. Parts, part], Tail = null };

    public MultipartManifest WithTail(StoredTail tail) => this with { Tail = tail };

    /// <summary>Its writer is done: it sends no more parts.</summary>
    public MultipartManifest AsSettled() => this with { Settled = true };
}

/// <param name="BeganWith">The tail this part's first bytes came from, kept so a writer resuming inside the part can start from it.</param>
internal sealed record StoredPart(int Number, string ETag, long Size, StoredTail? BeganWith);

/// <summary>The first <paramref name="Size"/> bytes of the object <paramref name="Key"/>.</summary>
internal sealed record StoredTail(string Key, long Size);
