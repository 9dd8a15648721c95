using System.Diagnostics;
using static OrleansUploads.Bench.Report;
using static OrleansUploads.Bench.Transfers;

namespace OrleansUploads.Bench;

/// <summary>Scenario 2 (many uploads at once, each watched) and the per-upload part of scenario 5.</summary>
public static class ManyUploadsScenario
{
    private const int UploadsPerConnection = 20;

    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        await using var bare = await ServerProcess.StartBareEndpointAsync();
        await using var ours = await ServerProcess.StartServiceAsync();
        using var client = NewClient();
        var count = settings.ConcurrentUploads;
        var size = settings.SmallBytes;
        var endpoint = new Uri(ours.BaseAddress, "/api/uploads");
        await PostAsync(client, bare.BaseAddress, size);
        await TusUploadAsync(client, endpoint, size);

        var bareTime = await TimeAsync(() => Task.WhenAll(Enumerable.Range(0, count).Select(_ => PostAsync(client, bare.BaseAddress, size))));

        var watchers = await Task.WhenAll(Enumerable.Range(0, (count + UploadsPerConnection - 1) / UploadsPerConnection)
            .Select(_ => HubWatcher.ConnectAsync(ours.BaseAddress)));
        var baseline = ours.ResidentBytes;
        var peak = baseline;
        var errors = 0;
        var durations = new double[count];
        var clock = Stopwatch.StartNew();
        var uploads = Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var watcher = watchers[index / UploadsPerConnection];
                var location = await TusCreateAsync(client, endpoint, size);
                var id = location.Segments[^1];
                await watcher.WatchAsync(id);
                using var response = await client.SendAsync(TusPatch(location, 0, new RepeatingContent(size)));
                if (response.StatusCode != System.Net.HttpStatusCode.NoContent)
                {
                    Interlocked.Increment(ref errors);
                }

                await watcher.FinishedAsync(id).WaitAsync(TimeSpan.FromMinutes(2));
            }
            catch (Exception)
            {
                Interlocked.Increment(ref errors);
            }

            durations[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }));
        while (!uploads.IsCompleted)
        {
            peak = Math.Max(peak, ours.ResidentBytes);
            await Task.WhenAny(uploads, Task.Delay(50));
        }

        await uploads;
        var oursTime = clock.Elapsed;
        var completedEvents = watchers.SelectMany(w => w.Events).Where(e => e.Status.State == "completed").Select(e => e.Status.Id).Distinct().Count();
        foreach (var watcher in watchers)
        {
            await watcher.DisposeAsync();
        }

        var scenario = $"2. {count} concurrent uploads of {size >> 20} MiB, each watched";
        report.Add(new(scenario, "uploads failed", errors.ToString(), "0", errors == 0));
        report.Add(new(scenario, "completed events received", $"{completedEvents} of {count}", $"{count}", completedEvents == count));
        var ratio = MegabytesPerSecond(count * size, oursTime) / MegabytesPerSecond(count * size, bareTime);
        report.Add(new(scenario, "aggregate MB/s", $"{Number(MegabytesPerSecond(count * size, oursTime), "MB/s")} vs bare {Number(MegabytesPerSecond(count * size, bareTime), "MB/s")} (ratio {Ratio(ratio)})"));
        report.Add(new(scenario, "time per upload (create, watch, send, completed event) p50 / p99",
            $"{Number(Median(durations), "ms")} / {Number(Percentile(durations, 99), "ms")}"));
        report.Add(new("5. Memory", $"resident memory per active upload ({count} at once)", Number((peak - baseline) / (double)count / 1024, "KiB")));
    }
}
