using static OrleansUploads.Bench.Report;
using static OrleansUploads.Bench.Transfers;

namespace OrleansUploads.Bench;

/// <summary>Scenario 5: the service's resident memory while one very large upload streams through.</summary>
public static class MemoryScenario
{
    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        await using var ours = await ServerProcess.StartServiceAsync();
        using var client = NewClient();
        var endpoint = new Uri(ours.BaseAddress, "/api/uploads");
        await TusUploadAsync(client, endpoint, 16 << 20);
        var baseline = ours.ResidentBytes;
        var peak = baseline;

        var upload = TusUploadAsync(client, endpoint, settings.MemoryBytes);
        while (!upload.IsCompleted)
        {
            peak = Math.Max(peak, ours.ResidentBytes);
            await Task.WhenAny(upload, Task.Delay(50));
        }

        await upload;
        var growth = (peak - baseline) / (double)(1 << 20);
        report.Add(new("5. Memory", $"resident memory growth during a {settings.MemoryBytes >> 20} MiB upload",
            $"{Number(growth, "MiB")} (from {Number(baseline / (double)(1 << 20), "MiB")})", "< 64 MiB", growth < 64));
    }
}
