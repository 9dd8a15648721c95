using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// Reads and replaces an upload's <see cref="MultipartManifest"/>. Every replacement is conditional on the
/// ETag its writer last saw, so once a newer writer claimed the upload an older one's changes are refused.
/// </summary>
internal sealed class MultipartManifests(IAmazonS3 s3, string bucket)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The key of an upload's manifest; everything else the upload keeps but its finished object is under <see cref="FolderOf"/> too.</summary>
    public static string KeyOf(string uploadId) => $"{FolderOf(uploadId)}manifest.json";

    public static string FolderOf(string uploadId) => $"{uploadId}/";

    /// <summary>The manifest and its ETag, or null when the upload has none.</summary>
    public async Task<(MultipartManifest Manifest, string ETag)?> ReadAsync(string uploadId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = KeyOf(uploadId) }, cancellationToken);
            var manifest = await JsonSerializer.DeserializeAsync<MultipartManifest>(response.ResponseStream, Json, cancellationToken)
                ?? throw new IOException($"The manifest of upload {uploadId} is empty.");
            return (manifest, response.ETag);
        }
        catch (AmazonS3Exception failure) when (S3Failure.IsMissingObject(failure))
        {
            return null;
        }
    }

    /// <summary>Writes the first manifest of an upload; refused when the upload already has one.</summary>
    public async Task CreateAsync(string uploadId, MultipartManifest manifest, CancellationToken cancellationToken)
    {
        if (await PutAsync(uploadId, manifest, ifMatch: null, cancellationToken) is null)
        {
            throw new IOException($"Upload {uploadId} already exists in S3.");
        }
    }

    /// <summary>Replaces the manifest if it is still as <paramref name="etag"/> says; the new ETag.</summary>
    /// <exception cref="StaleWriterException">Another writer replaced it since.</exception>
    public async Task<string> ReplaceAsync(string uploadId, MultipartManifest manifest, string etag, CancellationToken cancellationToken) =>
        await PutAsync(uploadId, manifest, etag, cancellationToken)
        ?? throw new StaleWriterException($"Upload {uploadId} was claimed by a newer writer than epoch {manifest.Epoch}.");

    /// <returns>The new ETag, or null when the condition did not hold.</returns>
    private async Task<string?> PutAsync(string uploadId, MultipartManifest manifest, string? ifMatch, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(manifest, Json);
        try
        {
            var request = new PutObjectRequest
            {
                BucketName = bucket,
                Key = KeyOf(uploadId),
                InputStream = new MemoryStream(body),
                ContentType = "application/json",
                UseChunkEncoding = false,
            };
            if (ifMatch is null)
            {
                request.IfNoneMatch = "*";
            }
            else
            {
                request.IfMatch = ifMatch;
            }

            return (await s3.PutObjectAsync(request, cancellationToken)).ETag;
        }
        catch (AmazonS3Exception failure) when (S3Failure.IsPreconditionFailed(failure))
        {
            return await WrittenAlreadyAsync(uploadId, body, cancellationToken);
        }
    }

    /// <summary>
    /// The manifest's ETag when it already holds exactly <paramref name="body"/>: the SDK retried a write
    /// whose first answer was lost, and the retry's condition no longer held. Manifests carry their
    /// writer's epoch and part numbers that only grow, so the same bytes there are this writer's own.
    /// </summary>
    private async Task<string?> WrittenAlreadyAsync(string uploadId, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = KeyOf(uploadId) }, cancellationToken);
            using var stored = new MemoryStream();
            await response.ResponseStream.CopyToAsync(stored, cancellationToken);
            return stored.ToArray().AsSpan().SequenceEqual(body) ? response.ETag : null;
        }
        catch (AmazonS3Exception failure) when (S3Failure.IsMissingObject(failure))
        {
            return null;
        }
    }
}
