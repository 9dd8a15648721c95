using System.Diagnostics;
using OrleansUploads.Testing;
using ScottPlot;
using static OrleansUploads.Bench.Report;
using static OrleansUploads.Bench.Transfers;

namespace OrleansUploads.Bench;

/// <summary>
/// Scenario 9: how the cost grows with the number of uploads at once. The same bytes (512 MiB in all) go
/// as 1, 10, 100 and 1,000 concurrent uploads, through the service and through the bare endpoint: the
/// aggregate throughput, the server's CPU per GiB and its peak resident memory at each level, as a
/// table and as a plot beside BENCHMARKS.md. Each level is measured once both sides are warm for it.
/// </summary>
public static class CostGrowthScenario
{
    private static readonly int[] Levels = [1, 10, 100, 1000];

    public static async Task RunAsync(BenchSettings settings, Report report, string? plotPath)
    {
        await using var bare = await ServerProcess.StartBareEndpointAsync();
        await using var ours = await ServerProcess.StartServiceAsync();
        using var client = NewClient();
        var endpoint = new Uri(ours.BaseAddress, "/api/uploads");
        var total = Math.Min(512L << 20, settings.LargeBytes);
        var scenario = "9. Cost growth with uploads at once";
        var measured = new Dictionary<(string Server, int Level), Level>();
        // A smoke run, beside the test suite in a debug build, stops short of a thousand at once.
        foreach (var level in settings.IsSmoke ? Levels[..^1] : Levels)
        {
            var size = total / level;
            var sides = new (string Name, ServerProcess Server, Func<Task> Upload)[]
            {
                ("bare", bare, () => PostAsync(client, bare.BaseAddress, size)),
                ("OrleansUploads", ours, () => TusUploadAsync(client, endpoint, size)),
            };

            // Each level runs code the one before did not (a thousand grains activating at once): both
            // sides take the level until the service's JIT is still, as scenarios 8 and 11 do.
            var warmUps = await JitSettling.WarmUpAsync(client, ours, async () =>
            {
                foreach (var side in sides)
                {
                    await MeasureAsync(side.Server, level, side.Upload);
                    SingleUploadScenario.Clear(side.Server);
                }
            }, settings.IsSmoke ? 1 : 6);

            foreach (var (name, server, upload) in sides)
            {
                var result = await MeasureAsync(server, level, upload);
                measured[(name, level)] = result;
                SingleUploadScenario.Clear(server);
                report.Add(new(scenario, $"{level} x {Size(size)}: {name}",
                    $"{Number(MegabytesPerSecond(total, result.Elapsed), "MB/s")}, {Number(result.CpuSeconds / (total / (double)(1L << 30)), "CPU s/GiB")}, peak RSS {Number(result.PeakBytes / 1048576.0, "MiB")}, after {warmUps} warm-up rounds"));
            }

            var ratio = measured[("bare", level)].Elapsed / measured[("OrleansUploads", level)].Elapsed;
            report.Add(new(scenario, $"{level} at once: OrleansUploads / bare", Ratio(ratio)));
        }

        if (plotPath is not null)
        {
            Plot(measured, total, plotPath);
        }
    }

    private static async Task<Level> MeasureAsync(ServerProcess server, int level, Func<Task> upload)
    {
        var cpuBefore = server.CpuSeconds;
        var peak = server.ResidentBytes;
        var clock = Stopwatch.StartNew();
        var uploads = Task.WhenAll(Enumerable.Range(0, level).Select(_ => upload()));
        while (!uploads.IsCompleted)
        {
            peak = Math.Max(peak, server.ResidentBytes);
            await Task.WhenAny(uploads, Task.Delay(50));
        }

        await uploads;
        return new Level(clock.Elapsed, server.CpuSeconds - cpuBefore, Math.Max(peak, server.ResidentBytes));
    }

    private static void Plot(Dictionary<(string Server, int Level), Level> measured, long total, string path)
    {
        var plot = new Plot();
        var positions = Levels.Select(level => Math.Log10(level)).ToArray();
        foreach (var server in new[] { "bare", "OrleansUploads" })
        {
            var line = plot.Add.Scatter(positions, Levels.Select(level => MegabytesPerSecond(total, measured[(server, level)].Elapsed)).ToArray());
            line.LegendText = server == "bare" ? "bare endpoint" : server;
        }

        plot.Axes.Bottom.SetTicks(positions, [.. Levels.Select(level => level.ToString())]);
        plot.Axes.Bottom.Label.Text = $"uploads at once ({total >> 20} MiB in all)";
        plot.Axes.Left.Label.Text = "aggregate MB/s";
        plot.Axes.SetLimitsY(0, measured.Values.Max(level => MegabytesPerSecond(total, level.Elapsed)) * 1.1);
        plot.ShowLegend(Alignment.LowerLeft);
        plot.SavePng(path, 800, 450);
    }

    private static string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes / 1048576.0:0.#} MiB" : $"{bytes >> 10} KiB";

    private sealed record Level(TimeSpan Elapsed, double CpuSeconds, long PeakBytes);
}
