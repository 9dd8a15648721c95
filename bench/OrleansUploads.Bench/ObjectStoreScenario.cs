using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Transfer;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using OrleansUploads.Testing;
using static OrleansUploads.Bench.Report;
using static OrleansUploads.Bench.Transfers;

namespace OrleansUploads.Bench;

/// <summary>
/// Scenario 7: one 256 MiB upload (in a smoke run, the large upload's size) through the service into
/// each store, each against the strongest bare program for that store in the same run: for Azure Blob
/// storage (Azurite) and S3 (s3rver), a program that sends the same bytes to the same emulator with its
/// SDK's fastest path (parallel blocks or parts); for the file store, the bare endpoint that streams a
/// body to a file. Rounds interleave all six.
/// </summary>
public static class ObjectStoreScenario
{
    private const long FullSize = 256L << 20;
    // 16 MiB parts were the fastest of 8 and 16 MiB for both SDKs on the emulators (BENCHMARKS.md).
    private const int BarePartSize = 16 << 20;
    private const int BareParallel = 8;

    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        var size = settings.IsSmoke ? settings.LargeBytes : FullSize;
        await using var azurite = await AzuriteServer.StartAsync();
        await using var s3rver = await S3Server.StartAsync();
        await using var onAzure = await ServerProcess.StartServiceAsync(azurite.StoreSettings("bench"));
        await using var onS3 = await ServerProcess.StartServiceAsync(s3rver.StoreSettings("bench"));
        await using var onFiles = await ServerProcess.StartServiceAsync();
        await using var bareEndpoint = await ServerProcess.StartBareEndpointAsync();
        var bareBlobs = new BlobContainerClient(azurite.ConnectionString, "bare");
        await bareBlobs.CreateIfNotExistsAsync();
        using var bareS3 = S3Client(s3rver);
        await bareS3.PutBucketAsync("bare");
        using var client = NewClient();

        var measurements = new (string Name, Func<long, Task> Upload, List<double> Rates)[]
        {
            ("azure-bare", length => BareBlobUploadAsync(bareBlobs, length), []),
            ("azure", length => TusUploadAsync(client, new Uri(onAzure.BaseAddress, "/api/uploads"), length), []),
            ("s3-bare", length => BareS3UploadAsync(bareS3, length), []),
            ("s3", length => TusUploadAsync(client, new Uri(onS3.BaseAddress, "/api/uploads"), length), []),
            ("file-bare", length => PostAsync(client, bareEndpoint.BaseAddress, length), []),
            ("file", length => TusUploadAsync(client, new Uri(onFiles.BaseAddress, "/api/uploads"), length), []),
        };

        // Warm-up: JIT, first activations, the emulators' first objects.
        foreach (var (_, upload, _) in measurements)
        {
            await upload(16 << 20);
        }

        for (var round = 0; round < settings.Rounds(7); round++)
        {
            for (var step = 0; step < measurements.Length; step++)
            {
                var (_, upload, rates) = measurements[(round + step) % measurements.Length];
                rates.Add(MegabytesPerSecond(size, await TimeAsync(() => upload(size))));
            }
        }

        double MedianOf(string name) => Median(measurements.Single(m => m.Name == name).Rates);
        var scenario = $"7. One {size >> 20} MiB upload into each store";
        foreach (var (store, bare, goal) in new[]
        {
            ("Azure Blob storage (Azurite)", $"bare SDK upload, {BarePartSize >> 20} MiB blocks x{BareParallel} in parallel", 0.80),
            ("S3 (s3rver)", $"bare SDK TransferUtility, {BarePartSize >> 20} MiB parts x{BareParallel} in parallel", 0.80),
            ("file store", "bare endpoint, body to file", 0.90),
        })
        {
            var key = store.StartsWith("Azure") ? "azure" : store.StartsWith("S3") ? "s3" : "file";
            report.Add(new(scenario, $"{store}: {bare} (baseline)", Number(MedianOf(key + "-bare"), "MB/s")));
            report.Add(new(scenario, $"{store}: OrleansUploads", Number(MedianOf(key), "MB/s")));
            var ratio = MedianOf(key) / MedianOf(key + "-bare");
            report.Add(new(scenario, $"{store}: OrleansUploads / baseline", Ratio(ratio), $">= {goal:0.00}", ratio >= goal));
        }
    }

    /// <summary>The Blob SDK's fastest path: the whole stream in parallel staged blocks, one commit at the end.</summary>
    private static async Task BareBlobUploadAsync(BlobContainerClient container, long length)
    {
        await using var content = await new RepeatingContent(length).ReadAsStreamAsync();
        await container.GetBlobClient(Guid.NewGuid().ToString("N")).UploadAsync(content, new BlobUploadOptions
        {
            TransferOptions = new StorageTransferOptions { InitialTransferSize = BarePartSize, MaximumTransferSize = BarePartSize, MaximumConcurrency = BareParallel },
        });
    }

    /// <summary>The S3 SDK's fastest path: TransferUtility's multipart upload with parts in parallel.</summary>
    private static async Task BareS3UploadAsync(AmazonS3Client s3, long length)
    {
        await using var content = await new RepeatingContent(length).ReadAsStreamAsync();
        using var transfer = new TransferUtility(s3, new TransferUtilityConfig { ConcurrentServiceRequests = BareParallel });
        await transfer.UploadAsync(new TransferUtilityUploadRequest
        {
            BucketName = "bare",
            Key = Guid.NewGuid().ToString("N"),
            InputStream = content,
            PartSize = BarePartSize,
        });
    }

    /// <summary>The client the service itself builds for this emulator (see the service's storage hosting).</summary>
    private static AmazonS3Client S3Client(S3Server server) => new(new BasicAWSCredentials(server.AccessKey, server.SecretKey), new AmazonS3Config
    {
        ServiceURL = server.ServiceUrl,
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });
}
