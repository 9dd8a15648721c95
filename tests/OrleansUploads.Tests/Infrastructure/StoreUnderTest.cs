using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Azure;
using Azure.Storage.Blobs;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// The store a service under test keeps its upload bytes in, <c>file</c>, <c>azure</c> (a throwaway
/// Azurite) or <c>s3</c> (a throwaway s3rver): the settings that choose it, and a look at what it
/// holds, behind the service's back.
/// </summary>
public sealed class StoreUnderTest : IAsyncDisposable
{
    public const string File = "file";
    public const string Azure = "azure";
    public const string S3 = "s3";
    private const string Container = "uploads";

    /// <summary>Every store, for a theory that runs on each.</summary>
    public static TheoryData<string> Every => [File, Azure, S3];

    /// <summary>The stores that need no shared disk.</summary>
    public static TheoryData<string> ObjectStores => [Azure, S3];

    private readonly AzuriteServer? _azurite;
    private readonly S3Server? _s3;

    private StoreUnderTest(AzuriteServer? azurite, S3Server? s3) => (_azurite, _s3) = (azurite, s3);

    /// <summary>
    /// What the service runs with to use this store. Azure blocks are small, so that a test that stalls
    /// a body after a megabyte sees it committed; S3 parts are as small as S3 allows, which lowers the
    /// largest upload S3's 10,000 parts can hold.
    /// </summary>
    public string[] Settings =>
        _azurite is not null ? [.. _azurite.StoreSettings(Container), "--Storage:Azure:BlockSize=262144"]
        : _s3 is not null ? [.. _s3.StoreSettings(Container), $"--Storage:S3:PartSize={S3PartSize}", "--Uploads:MaxSizeBytes=34359738368"]
        : [];

    /// <summary>How many bytes of a body still running must arrive before any of them is committed: one block or part.</summary>
    public int CommitUnit => _azurite is not null ? 262144 : _s3 is not null ? S3PartSize : 1;

    private const int S3PartSize = 5 << 20;

    /// <summary>Settings for this store with a key it refuses, and the setting a start-up failure should name.</summary>
    public (string[] Settings, string Named) WrongCredentials => _azurite is not null
        ? (["--Storage:Kind=azure", $"--Storage:Azure:ConnectionString={_azurite.ConnectionStringWith(Convert.ToBase64String(new byte[64]))}"], "Storage:Azure:ConnectionString")
        : (_s3!.StoreSettingsWithSecret(Container, "not-the-secret"), "Storage:S3:SecretKey");

    /// <param name="persistent">An emulator keeps what it holds in a folder, so it outlives a stop and a restart.</param>
    public static async Task<StoreUnderTest> StartAsync(string kind, bool persistent = false) => kind switch
    {
        Azure => new(await AzuriteServer.StartAsync(persistent), null),
        S3 => new(null, await S3Server.StartAsync()),
        _ => new(null, null),
    };

    /// <summary>Stops the emulator as a service restart would; it comes back with <see cref="RestartAsync"/>.</summary>
    public Task StopAsync() => _azurite?.StopAsync() ?? _s3!.StopAsync();

    public Task RestartAsync() => _azurite?.RestartAsync() ?? _s3!.RestartAsync();

    /// <summary>What the store holds for an upload, or null when it holds nothing under that id.</summary>
    public async Task<byte[]?> StoredBytesAsync(UploadService service, string uploadId)
    {
        if (_s3 is not null)
        {
            return await S3StoredBytesAsync(uploadId);
        }

        if (_azurite is null)
        {
            var path = service.StoredFile(uploadId);
            return System.IO.File.Exists(path) ? await System.IO.File.ReadAllBytesAsync(path) : null;
        }

        try
        {
            return (await Blob(uploadId).DownloadContentAsync()).Value.Content.ToArray();
        }
        catch (RequestFailedException failure) when (failure.Status == 404)
        {
            return null;
        }
    }

    /// <summary>An upload's S3 manifest (its parts, its tail, the next part number), or null when it has none.</summary>
    public async Task<JsonElement?> S3ManifestAsync(string uploadId)
    {
        using var s3 = S3Client();
        return await ReadS3Async(s3, $"{uploadId}/manifest.json") is { } bytes ? JsonDocument.Parse(bytes).RootElement : null;
    }

    /// <summary>
    /// Whether the store keeps nothing at all of an upload: no bytes, and in S3 no object under its folder
    /// and no multipart upload left unfinished (which S3 would keep, and bill, forever).
    /// </summary>
    public async Task<bool> HoldsNothingAsync(UploadService service, string uploadId)
    {
        if (_s3 is null)
        {
            return await StoredBytesAsync(service, uploadId) is null;
        }

        using var s3 = S3Client();
        var objects = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Container, Prefix = uploadId + "/" });
        var multipart = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Container, Prefix = uploadId + "/" });
        return (objects.S3Objects?.Count ?? 0) == 0 && (multipart.MultipartUploads?.Count ?? 0) == 0;
    }

    /// <summary>Removes an upload's bytes behind the service's back, as a lost volume or a deleted blob would.</summary>
    public async Task LoseStoredBytesAsync(UploadService service, string uploadId)
    {
        if (_s3 is not null)
        {
            using var s3 = S3Client();
            var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Container, Prefix = uploadId + "/" });
            foreach (var stored in listed.S3Objects ?? [])
            {
                await s3.DeleteObjectAsync(Container, stored.Key);
            }
        }
        else if (_azurite is null)
        {
            System.IO.File.Delete(service.StoredFile(uploadId));
        }
        else
        {
            await Blob(uploadId).DeleteIfExistsAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }
    }

    /// <summary>
    /// The finished object, or else what S3 can show of an upload still running: its tail, when it has
    /// no parts yet (S3 serves no part of a multipart upload before it completes).
    /// </summary>
    private async Task<byte[]?> S3StoredBytesAsync(string uploadId)
    {
        using var s3 = S3Client();
        if (await ReadS3Async(s3, $"{uploadId}/content") is { } content)
        {
            return content;
        }

        if (await ReadS3Async(s3, $"{uploadId}/manifest.json") is not { } manifestBytes)
        {
            return null;
        }

        var manifest = JsonDocument.Parse(manifestBytes).RootElement;
        if (manifest.GetProperty("parts").GetArrayLength() > 0)
        {
            throw new InvalidOperationException($"Upload {uploadId} has parts in S3, which cannot be read before it completes.");
        }

        if (manifest.GetProperty("tail") is not { ValueKind: JsonValueKind.Object } tail)
        {
            return [];
        }

        return (await ReadS3Async(s3, tail.GetProperty("key").GetString()!))![..(int)tail.GetProperty("size").GetInt64()];
    }

    private static async Task<byte[]?> ReadS3Async(AmazonS3Client s3, string key)
    {
        try
        {
            using var response = await s3.GetObjectAsync(Container, key);
            using var bytes = new MemoryStream();
            await response.ResponseStream.CopyToAsync(bytes);
            return bytes.ToArray();
        }
        catch (AmazonS3Exception failure) when (failure.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private AmazonS3Client S3Client() => new(new BasicAWSCredentials(_s3!.AccessKey, _s3.SecretKey), new AmazonS3Config
    {
        ServiceURL = _s3.ServiceUrl,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    private BlobClient Blob(string uploadId) => new BlobContainerClient(_azurite!.ConnectionString, Container).GetBlobClient(uploadId);
}
