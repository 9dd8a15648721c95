using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using OrleansUploads.Testing;
using static OrleansUploads.Bench.Report;
using static OrleansUploads.Bench.Transfers;

namespace OrleansUploads.Bench;

/// <summary>
/// Scenario 7: one 256 MiB upload into Azure Blob storage (Azurite) through the service, against a
/// bare program that sends the same bytes to the same emulator with the SDK's fastest path (parallel
/// staged blocks), in the same run. The service's file store, measured the same way, is beside it.
/// </summary>
public static class ObjectStoreScenario
{
    private const long Size = 256L << 20;
    private const int BareBlockSize = 8 << 20;

    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var ours = await ServerProcess.StartServiceAsync(azurite.StoreSettings("bench"));
        await using var onFiles = await ServerProcess.StartServiceAsync();
        var bare = new BlobContainerClient(azurite.ConnectionString, "bare");
        await bare.CreateIfNotExistsAsync();
        using var client = NewClient();
        var oursEndpoint = new Uri(ours.BaseAddress, "/api/uploads");
        var filesEndpoint = new Uri(onFiles.BaseAddress, "/api/uploads");

        // Warm-up: JIT, first activations, the emulator's first blobs.
        await TusUploadAsync(client, oursEndpoint, 16 << 20);
        await TusUploadAsync(client, filesEndpoint, 16 << 20);
        await BareUploadAsync(bare, 16 << 20);

        List<double> bareRates = [], oursRates = [], filesRates = [];
        var measurements = new (Func<Task> Upload, List<double> Rates)[]
        {
            (() => BareUploadAsync(bare, Size), bareRates),
            (() => TusUploadAsync(client, oursEndpoint, Size), oursRates),
            (() => TusUploadAsync(client, filesEndpoint, Size), filesRates),
        };
        for (var round = 0; round < Math.Max(settings.Repetitions, 7); round++)
        {
            for (var step = 0; step < measurements.Length; step++)
            {
                var (upload, rates) = measurements[(round + step) % measurements.Length];
                rates.Add(MegabytesPerSecond(Size, await TimeAsync(upload)));
            }
        }

        var scenario = $"7. One {Size >> 20} MiB upload into Azure Blob storage (Azurite)";
        report.Add(new(scenario, "bare SDK upload, 8 MiB blocks x8 in parallel (baseline)", Number(Median(bareRates), "MB/s")));
        report.Add(new(scenario, "OrleansUploads, Storage:Kind=azure", Number(Median(oursRates), "MB/s")));
        report.Add(new(scenario, "OrleansUploads, file store (same client)", Number(Median(filesRates), "MB/s")));
        var toBare = Median(oursRates) / Median(bareRates);
        report.Add(new(scenario, "OrleansUploads on Azurite / bare SDK upload", Ratio(toBare), ">= 0.80", toBare >= 0.80));
    }

    /// <summary>The SDK's fastest path: the whole stream in parallel staged blocks, one commit at the end.</summary>
    private static async Task BareUploadAsync(BlobContainerClient container, long length)
    {
        await using var content = await new RepeatingContent(length).ReadAsStreamAsync();
        await container.GetBlobClient(Guid.NewGuid().ToString("N")).UploadAsync(content, new BlobUploadOptions
        {
            TransferOptions = new StorageTransferOptions { InitialTransferSize = BareBlockSize, MaximumTransferSize = BareBlockSize, MaximumConcurrency = 8 },
        });
    }
}
