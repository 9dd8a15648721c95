using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using static OrleansUploads.Bench.Report;
using static OrleansUploads.Bench.Transfers;

namespace OrleansUploads.Bench;

/// <summary>
/// Scenario 10: many paused uploads (created, a few bytes sent, then idle): the memory each costs while
/// its grain is in memory and after the idle grains left, and how long a page of the active list takes.
/// </summary>
public static class PausedUploadsScenario
{
    private const string Scenario = "10. Paused uploads";
    private const long DeclaredBytes = 1 << 20;
    private const int SentBytes = 4096;
    private const int AtOnce = 32;

    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        var count = settings.PausedUploads;
        // A smoke run waits twice for the grains to leave, and shows only that they do.
        var (idleLifetime, collectionQuantum) = settings.IsSmoke ? (TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(1)) : (TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(5));
        await using var ours = await ServerProcess.StartServiceAsync(
            $"--Uploads:IdleLifetime={idleLifetime}", $"--Cluster:GrainCollection:CollectionQuantum={collectionQuantum}");
        using var client = NewClient();
        var endpoint = new Uri(ours.BaseAddress, "/api/uploads");
        var ids = new ConcurrentBag<string>();
        await PauseManyAsync(client, endpoint, 200, ids);
        await GrainsLeftAsync(client, ours);
        var baseline = ours.ResidentBytes;

        var clock = Stopwatch.StartNew();
        await PauseManyAsync(client, endpoint, count, ids);
        var created = clock.Elapsed;
        var active = ours.ResidentBytes;
        var idleAfter = await GrainsLeftAsync(client, ours);
        var idle = ours.ResidentBytes;
        var firstPage = await TimePagesAsync(client, ours, after: null);
        var middlePage = await TimePagesAsync(client, ours, after: ids.Order(StringComparer.Ordinal).ElementAt(ids.Count / 2));

        report.Add(new(Scenario, $"{count:N0} uploads created, {SentBytes} bytes each sent, then paused", $"{Number(count / created.TotalSeconds, "uploads/s")}"));
        report.Add(new(Scenario, "resident memory per paused upload, grains in memory",
            Number((active - baseline) / (double)count / 1024, "KiB"), "<= 10 KiB", active - baseline <= count * 10L * 1024));
        report.Add(new(Scenario, $"upload grains in memory {Number(idleAfter.TotalSeconds, "s")} after the last call (idle lifetime {idleLifetime.TotalSeconds:0} s)", "0", "0", true));
        report.Add(new(Scenario, "resident memory per paused upload once their grains left",
            $"{Number((idle - baseline) / (double)count / 1024, "KiB")} (baseline {Number(baseline / (double)(1 << 20), "MiB")}, with grains {Number(active / (double)(1 << 20), "MiB")}, after {Number(idle / (double)(1 << 20), "MiB")})"));
        foreach (var (name, times) in new[] { ("first page", firstPage), ("a page from the middle", middlePage) })
        {
            report.Add(new(Scenario, $"active list at {count:N0}, {name} of 100: its grains out of memory, then p50 / max of {times.Count - 1} more",
                $"{Number(times[0], "ms")}, then {Number(Median(times[1..]), "ms")} / {Number(times[1..].Max(), "ms")}", "< 100 ms", times.Max() < 100));
        }
    }

    /// <summary>Creates uploads, sends a few bytes to each, and leaves them paused.</summary>
    private static async Task PauseManyAsync(HttpClient client, Uri endpoint, int count, ConcurrentBag<string> ids)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, AtOnce).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                var location = await TusCreateAsync(client, endpoint, DeclaredBytes);
                using var response = await client.SendAsync(TusPatch(location, 0, new RepeatingContent(SentBytes)));
                response.EnsureSuccessStatusCode();
                ids.Add(location.Segments[^1]);
            }
        }));
    }

    /// <summary>Reads a page of 100 a few times; the first read brings the page's grains back into memory.</summary>
    private static async Task<List<double>> TimePagesAsync(HttpClient client, ServerProcess ours, string? after)
    {
        var url = new Uri(ours.BaseAddress, $"/api/uploads?state=active&limit=100{(after is null ? "" : $"&after={after}")}");
        var times = new List<double>();
        for (var i = 0; i < 11; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(url);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return times;
    }

    /// <summary>Waits until no upload grain is in memory; returns how long that took.</summary>
    private static async Task<TimeSpan> GrainsLeftAsync(HttpClient client, ServerProcess ours)
    {
        var clock = Stopwatch.StartNew();
        while ((await client.GetFromJsonAsync<Diagnostics>(new Uri(ours.BaseAddress, "/api/diagnostics")))!.UploadGrainsInMemory > 0)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException("Idle upload grains stayed in memory for 5 minutes.");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        return clock.Elapsed;
    }

    private sealed record Diagnostics(int UploadGrainsInMemory);
}
