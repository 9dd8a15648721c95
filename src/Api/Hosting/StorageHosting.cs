using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Azure.Storage.Blobs;
using OrleansUploads.Api.Storage;
using OrleansUploads.Api.Uploads;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Hosting;

/// <summary>Which store holds the upload bytes, from <c>Storage:Kind</c>.</summary>
public static class StorageHosting
{
    // Few, quick retries: a request waits on the store, and an unreachable one must answer 503 soon.
    private const int Retries = 2;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddUploadStore(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = StartSettings.Read<StorageOptions>(configuration, StorageOptions.Section);
        IUploadStore store = storage.Kind.ToLowerInvariant() switch
        {
            "file" => new FileUploadStore(Path.Combine(ClusterSettings.DataFolder(configuration), "files"), storage.FlushToDisk),
            "azure" => AzureStore(storage.Azure),
            "s3" => S3Store(storage.S3, StartSettings.Read<UploadApiOptions>(configuration, UploadApiOptions.Section)),
            _ => throw new StartRefusedException($"Storage:Kind is '{storage.Kind}'; it must be file, azure or s3."),
        };
        services.AddSingleton(store);
        return services;
    }

    private static AzureBlobUploadStore AzureStore(AzureBlobOptions azure)
    {
        if (string.IsNullOrWhiteSpace(azure.ConnectionString))
        {
            throw new StartRefusedException("Storage:Kind is azure, but Storage:Azure:ConnectionString is not set.");
        }

        var options = new BlobClientOptions { Retry = { MaxRetries = Retries, Delay = TimeSpan.FromMilliseconds(200), NetworkTimeout = RequestTimeout } };
        var container = StartSettings.Parse("Storage:Azure:ConnectionString", azure.ConnectionString, text => new BlobContainerClient(text, azure.Container, options));
        return new AzureBlobUploadStore(container, azure.BlockSize);
    }

    private static S3UploadStore S3Store(S3Options s3, UploadApiOptions uploads)
    {
        if (s3.PartSize < S3Options.SmallestPart)
        {
            throw new StartRefusedException($"Storage:S3:PartSize is {s3.PartSize}; S3 wants at least {S3Options.SmallestPart} bytes in a part.");
        }

        // S3 takes at most 10,000 parts; a few go to writers that were cut off mid-part (see MultipartManifest).
        var largest = (long)s3.PartSize * (MultipartManifest.MostParts - S3Options.SpareParts);
        if (uploads.MaxSizeBytes > largest)
        {
            throw new StartRefusedException(
                $"Uploads:MaxSizeBytes is {uploads.MaxSizeBytes}, but parts of Storage:S3:PartSize {s3.PartSize} reach only {largest} bytes in S3's {MultipartManifest.MostParts} parts; raise the part size.");
        }

        var config = new AmazonS3Config
        {
            ForcePathStyle = s3.ForcePathStyle,
            MaxErrorRetry = Retries,
            Timeout = RequestTimeout,
            // Checksums only where S3 demands them: the upload's SHA-256 is the integrity check, and
            // S3-compatible services do not all understand the newer trailing checksums.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrWhiteSpace(s3.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(s3.Region);
        }
        else
        {
            config.ServiceURL = s3.ServiceUrl;
            config.AuthenticationRegion = s3.Region;
        }

        var client = string.IsNullOrEmpty(s3.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(s3.AccessKey, s3.SecretKey), config);
        return new S3UploadStore(client, s3.Bucket, s3.PartSize);
    }

    /// <summary>
    /// Checks the store before the API takes requests: a store it cannot use stops start-up before any
    /// hosted service starts (the web server among them), so the API never listens with such a store.
    /// Called before the host runs rather than as a hosted service, whose failure the host would also
    /// log with its stack trace beside the refusal's one line.
    /// </summary>
    /// <exception cref="StartRefusedException">The store cannot be used.</exception>
    public static Task CheckUploadStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default) =>
        services.GetRequiredService<IUploadStore>().CheckAsync(cancellationToken);
}
