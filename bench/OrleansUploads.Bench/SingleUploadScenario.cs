using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansUploads.Testing;
using static OrleansUploads.Bench.Report;
using static OrleansUploads.Bench.Transfers;

namespace OrleansUploads.Bench;

/// <summary>
/// Scenario 1 (one large upload against the tus reference server for Node, with our HTTP client and
/// with tus-js-client) and scenario 6 (what tracking costs). The bare endpoint is scenario 8's.
/// </summary>
public static class SingleUploadScenario
{
    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        await using var ours = await ServerProcess.StartServiceAsync();
        await using var untracked = await ServerProcess.StartServiceAsync("--Uploads:ReportInterval=01:00:00");
        await using var unflushed = await ServerProcess.StartServiceAsync("--Storage:FlushToDisk=false");
        await using var tusNode = await ServerProcess.StartTusNodeServerAsync();
        using var client = NewClient();
        var size = settings.LargeBytes;
        var oursEndpoint = new Uri(ours.BaseAddress, "/api/uploads");
        var untrackedEndpoint = new Uri(untracked.BaseAddress, "/api/uploads");
        var unflushedEndpoint = new Uri(unflushed.BaseAddress, "/api/uploads");
        var tusNodeEndpoint = new Uri(tusNode.BaseAddress, "/files");

        // Warm up every server (JIT, first activations) before anything is timed.
        await TusUploadAsync(client, oursEndpoint, 16 << 20);
        await TusUploadAsync(client, untrackedEndpoint, 16 << 20);
        await TusUploadAsync(client, unflushedEndpoint, 16 << 20);
        await TusUploadAsync(client, tusNodeEndpoint, 16 << 20);

        List<double> oursRates = [], untrackedRates = [], unflushedRates = [], tusNodeRates = [], reportsPerSecond = [];
        var measurements = new (ServerProcess Server, Func<Task> Upload, List<double> Rates)[]
        {
            (ours, async () =>
            {
                var reportsBefore = await ReportsAsync(client, ours);
                var time = await TimeAsync(() => TusUploadAsync(client, oursEndpoint, size));
                reportsPerSecond.Add((await ReportsAsync(client, ours) - reportsBefore) / time.TotalSeconds);
            }, oursRates),
            (untracked, () => TusUploadAsync(client, untrackedEndpoint, size), untrackedRates),
            (unflushed, () => TusUploadAsync(client, unflushedEndpoint, size), unflushedRates),
            (tusNode, () => TusUploadAsync(client, tusNodeEndpoint, size), tusNodeRates),
        };
        for (var round = 0; round < settings.Repetitions; round++)
        {
            // Each round starts with a different server, so disk write-back left by one upload does
            // not always land on the same successor.
            for (var step = 0; step < measurements.Length; step++)
            {
                var (server, upload, rates) = measurements[(round + step) % measurements.Length];
                rates.Add(MegabytesPerSecond(size, await TimeAsync(upload)));
                Clear(server);
            }
        }

        var scenario = $"1. One {size >> 20} MiB upload";
        report.Add(new(scenario, "OrleansUploads", Number(Median(oursRates), "MB/s")));
        report.Add(new(scenario, "tus-node-server (@tus/server + @tus/file-store)", Number(Median(tusNodeRates), "MB/s")));
        var toTusNode = Median(oursRates) / Median(tusNodeRates);
        report.Add(new(scenario, "OrleansUploads / tus-node-server", Ratio(toTusNode), "> 1.00", toTusNode > 1.0));

        await TusJsClientAsync(settings, report, scenario, ours, oursEndpoint, tusNode, tusNodeEndpoint);

        var grains = "6. Grain cost";
        report.Add(new(grains, "grain calls per second per upload while sending", Number(Median(reportsPerSecond), "/s")));
        var tracked = Median(oursRates) / Median(untrackedRates);
        report.Add(new(grains, "throughput with tracking / with reporting off", Ratio(tracked), ">= 0.95", tracked >= 0.95));
        var flushed = Median(oursRates) / Median(unflushedRates);
        report.Add(new(grains, "throughput with fsync before each report / with Storage:FlushToDisk=false", Ratio(flushed), ">= 0.90", flushed >= 0.90));
    }

    /// <summary>tus-js-client under Node sending the same file to both tus servers.</summary>
    private static async Task TusJsClientAsync(BenchSettings settings, Report report, string scenario,
        ServerProcess ours, Uri oursEndpoint, ServerProcess tusNode, Uri tusNodeEndpoint)
    {
        var file = Path.Combine(Path.GetTempPath(), $"bench-{Guid.NewGuid():N}.bin");
        await using (var output = File.Create(file))
        {
            await new RepeatingContent(settings.LargeBytes).CopyToAsync(output);
        }

        try
        {
            List<double> oursRates = [], tusNodeRates = [];
            for (var round = 0; round < settings.Repetitions; round++)
            {
                oursRates.Add(MegabytesPerSecond(settings.LargeBytes, await NodeUploadAsync(oursEndpoint, file)));
                Clear(ours);
                tusNodeRates.Add(MegabytesPerSecond(settings.LargeBytes, await NodeUploadAsync(tusNodeEndpoint, file)));
                Clear(tusNode);
            }

            report.Add(new(scenario, "tus-js-client to OrleansUploads", Number(Median(oursRates), "MB/s")));
            report.Add(new(scenario, "tus-js-client to tus-node-server", Number(Median(tusNodeRates), "MB/s")));
            var ratio = Median(oursRates) / Median(tusNodeRates);
            report.Add(new(scenario, "tus-js-client: OrleansUploads / tus-node-server", Ratio(ratio), "> 1.00", ratio > 1.0));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<TimeSpan> NodeUploadAsync(Uri endpoint, string file)
    {
        var output = new System.Text.StringBuilder();
        await using var node = ChildProcess.Start("node", ["tus-js-upload.mjs", endpoint.ToString(), file], RepositoryPaths.BenchNode, line => output.AppendLine(line), line => Console.Error.WriteLine($"  [node] {line}"));
        await node.Exited;
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"tus-js-client upload to {endpoint} failed: {output}");
        }

        return TimeSpan.FromSeconds(JsonDocument.Parse(output.ToString().Trim().Split('\n')[^1]).RootElement.GetProperty("seconds").GetDouble());
    }

    public static async Task<long> ReportsAsync(HttpClient client, ServerProcess service) =>
        (await client.GetFromJsonAsync<JsonElement>(new Uri(service.BaseAddress, "/api/diagnostics"))).GetProperty("storedReports").GetInt64();

    /// <summary>
    /// Deletes what a server stored and waits for the disk to write back what is pending, so the next
    /// measurement does not pay for this one's write-back.
    /// </summary>
    public static void Clear(ServerProcess server)
    {
        // The store's own files (its marker, its lock files: names that begin with a dot) stay, as they would in use.
        var separator = Path.DirectorySeparatorChar;
        foreach (var file in Directory.EnumerateFiles(server.DataPath, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}grains{separator}") && !Path.GetRelativePath(server.DataPath, f).Split(separator).Any(part => part.StartsWith('.'))))
        {
            File.Delete(file);
        }

        using var sync = Process.Start("sync");
        sync.WaitForExit();
    }
}
