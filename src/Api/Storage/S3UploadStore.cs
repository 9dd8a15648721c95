using Amazon.S3;
using Amazon.S3.Model;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// One S3 multipart upload per upload, under the upload's own folder in the bucket: its manifest
/// (<see cref="MultipartManifest"/>), its tail objects, and, once sealed, its content. Parts are sent
/// as they fill (<see cref="MultipartAppendStream"/>); sealing sends the tail as the last part and
/// completes the multipart upload. S3 serves no part of a multipart upload before it completes, so
/// a running upload's bytes cannot be read back.
/// </summary>
public sealed class S3UploadStore(IAmazonS3 s3, string bucket, int partSize) : IUploadStore
{
    /// <summary>Tries at claiming an upload that other writers keep changing, before the claim gives up.</summary>
    private const int ClaimAttempts = 10;

    private readonly MultipartManifests _manifests = new(s3, bucket);

    public bool ReadsWhileRunning => false;

    /// <summary>The key of an upload's finished object.</summary>
    internal static string ContentKeyOf(string uploadId) => $"{MultipartManifests.FolderOf(uploadId)}content";

    public Task CheckAsync(CancellationToken cancellationToken) => S3Bucket.CheckAsync(s3, bucket, cancellationToken);

    public Task CreateAsync(string uploadId, CancellationToken cancellationToken) => S3Failure.MapAsync(async () =>
    {
        var started = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = ContentKeyOf(uploadId) }, cancellationToken);
        try
        {
            await _manifests.CreateAsync(uploadId, MultipartManifest.Started(started.UploadId), cancellationToken);
        }
        catch (Exception)
        {
            try
            {
                await AbortAsync(uploadId, started.UploadId);
            }
            catch (Exception)
            {
                // Left to the bucket's lifecycle rule for incomplete multipart uploads.
            }

            throw;
        }
    });

    public Task<long?> GetLengthAsync(string uploadId, CancellationToken cancellationToken) => S3Failure.MapAsync<long?>(async () =>
    {
        try
        {
            return (await _manifests.ReadAsync(uploadId, cancellationToken))?.Manifest.Length;
        }
        catch (AmazonS3Exception failure) when (failure.ErrorCode == "NoSuchBucket")
        {
            // A missing bucket is a store that is not what it should be: it concludes nothing.
            throw new StorageUnavailableException($"S3 has no bucket {bucket}.");
        }
    });

    public Task<UploadAppendStream> OpenAppendAsync(string uploadId, long offset, long epoch, CancellationToken cancellationToken) =>
        S3Failure.MapAsync<UploadAppendStream>(async () =>
        {
            var (manifest, etag) = await ClaimAsync(uploadId, offset, epoch, writing: true, cancellationToken);
            var tail = manifest.Tail is { } stored ? await ReadTailAsync(stored, cancellationToken) : [];
            return new MultipartAppendStream(s3, _manifests, bucket, uploadId, manifest, etag, tail, partSize);
        });

    public Task TruncateAsync(string uploadId, long length, long epoch, CancellationToken cancellationToken) =>
        S3Failure.MapAsync(() => ClaimAsync(uploadId, length, epoch, writing: false, cancellationToken));

    /// <summary>
    /// Sends the tail as the last part and completes the multipart upload, naming only the manifest's
    /// parts. Any number of callers may seal at once or again: a completed upload is left as it is.
    /// </summary>
    public Task SealAsync(string uploadId, long length, CancellationToken cancellationToken) => S3Failure.MapAsync(async () =>
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SealOnceAsync(uploadId, length, cancellationToken);
                return;
            }
            catch (AmazonS3Exception failure) when (failure.ErrorCode is "NoSuchUpload" or "InvalidPart" && attempt < 3)
            {
                // Another caller sealed meanwhile (or replaced the last part under this one): look again.
            }
        }
    });

    private async Task SealOnceAsync(string uploadId, long length, CancellationToken cancellationToken)
    {
        var (manifest, _) = await _manifests.ReadAsync(uploadId, cancellationToken) ?? throw new FileNotFoundException($"Upload {uploadId} has no manifest in S3.");
        if (manifest.Length != length)
        {
            throw new IOException($"Upload {uploadId} holds {manifest.Length} bytes in S3, not {length}.");
        }

        if (length == 0 || await ContentLengthAsync(uploadId, cancellationToken) == length)
        {
            return;
        }

        var parts = manifest.Parts.Select(part => new PartETag(part.Number, part.ETag)).ToList();
        if (manifest.Tail is { } tail)
        {
            var sent = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket,
                Key = ContentKeyOf(uploadId),
                UploadId = manifest.MultipartId,
                PartNumber = manifest.NextPart,
                InputStream = new MemoryStream(await ReadTailAsync(tail, cancellationToken)),
                UseChunkEncoding = false,
            }, cancellationToken);
            parts.Add(new PartETag(manifest.NextPart, sent.ETag));
        }

        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = ContentKeyOf(uploadId),
            UploadId = manifest.MultipartId,
            PartETags = parts,
        }, cancellationToken);
    }

    public Task<Stream> OpenReadAsync(string uploadId, CancellationToken cancellationToken) => S3Failure.MapAsync<Stream>(async () =>
    {
        if (await ContentLengthAsync(uploadId, cancellationToken) is { } length)
        {
            return new S3ObjectReadStream(s3, bucket, ContentKeyOf(uploadId), length);
        }

        // An empty upload completes without a part: S3 has no empty multipart upload to complete.
        return (await _manifests.ReadAsync(uploadId, cancellationToken))?.Manifest.Length == 0
            ? new MemoryStream([], writable: false)
            : throw new FileNotFoundException($"Upload {uploadId} has no sealed content in S3.");
    });

    /// <summary>Aborts the multipart upload, then removes every object of the upload, its manifest last.</summary>
    public Task DeleteAsync(string uploadId, CancellationToken cancellationToken) => S3Failure.MapAsync(async () =>
    {
        if (await _manifests.ReadAsync(uploadId, cancellationToken) is { } stored)
        {
            await AbortAsync(uploadId, stored.Manifest.MultipartId);
        }

        var listing = new ListObjectsV2Request { BucketName = bucket, Prefix = MultipartManifests.FolderOf(uploadId) };
        var keys = new List<string>();
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(listing, cancellationToken);
            keys.AddRange((page.S3Objects ?? []).Select(item => item.Key));
            listing.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        foreach (var key in keys.OrderBy(key => key == MultipartManifests.KeyOf(uploadId)))
        {
            await s3.DeleteObjectAsync(bucket, key, cancellationToken);
        }
    });

    /// <summary>
    /// Makes the manifest end at <paramref name="offset"/> for the writer of <paramref name="epoch"/>, which
    /// from then on is the only one whose replacements succeed: parts and tail bytes past the offset
    /// (bytes a crashed or stale writer stored but never reported) are dropped. Refused with
    /// <see cref="StaleWriterException"/> once a newer epoch claimed the upload.
    /// </summary>
    private async Task<(MultipartManifest Manifest, string ETag)> ClaimAsync(string uploadId, long offset, long epoch, bool writing, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (manifest, etag) = await _manifests.ReadAsync(uploadId, cancellationToken) ?? throw new FileNotFoundException($"Upload {uploadId} has no manifest in S3.");
            if (manifest.Epoch > epoch)
            {
                throw new StaleWriterException($"Upload {uploadId} was claimed by epoch {manifest.Epoch}, newer than {epoch}.");
            }

            var claimed = manifest.ClaimedAt(offset, epoch, writing);
            try
            {
                return (claimed, await _manifests.ReplaceAsync(uploadId, claimed, etag, cancellationToken));
            }
            catch (StaleWriterException) when (attempt < ClaimAttempts)
            {
                // Another writer replaced it between the read and this claim: read again.
            }
        }
    }

    private async Task<byte[]> ReadTailAsync(StoredTail tail, CancellationToken cancellationToken)
    {
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = tail.Key, ByteRange = new ByteRange(0, tail.Size - 1) }, cancellationToken);
        var bytes = new byte[tail.Size];
        await response.ResponseStream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    private async Task<long?> ContentLengthAsync(string uploadId, CancellationToken cancellationToken)
    {
        try
        {
            return (await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = ContentKeyOf(uploadId) }, cancellationToken)).ContentLength;
        }
        catch (AmazonS3Exception failure) when (S3Failure.IsMissingObject(failure))
        {
            return null;
        }
    }

    private async Task AbortAsync(string uploadId, string multipartId)
    {
        try
        {
            await s3.AbortMultipartUploadAsync(bucket, ContentKeyOf(uploadId), multipartId);
        }
        catch (AmazonS3Exception failure) when (failure.ErrorCode == "NoSuchUpload")
        {
            // Completed or aborted already.
        }
    }
}
