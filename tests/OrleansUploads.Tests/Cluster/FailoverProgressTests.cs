using System.Diagnostics;
using OrleansUploads.Tests.Infrastructure;
using Xunit.Abstractions;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Cluster;

/// <summary>
/// Redis, two silos, two API instances. tus-js-client sends a file through the first instance while
/// watchers on both instances follow it; the silo hosting the upload is killed at a quarter and a new
/// one joins, then the other original silo is killed at 60% and another joins. Every watcher sees
/// offsets that never go down and the terminal event within 5 s of the upload's end; the client
/// never starts over. FAILOVER_RUNS repeats it (the README's long run uses 20) and prints the figures.
/// </summary>
public sealed class FailoverProgressTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan TerminalWithin = TimeSpan.FromSeconds(5);
    private readonly string _folder = Directory.CreateTempSubdirectory("failover-files-").FullName;

    /// <remarks>
    /// Not yet reliable: a call in flight to a silo that dies is answered only at its response timeout
    /// (dotnet/orleans#10165), so the upload and its events can stall for that long, and some runs time
    /// out. Run it by hand with FAILOVER_RUNS until the stall is fixed.
    /// </remarks>
    [RunByHandFact("FAILOVER_RUNS", "Not yet reliable: stalls for the response timeout after a silo's death.")]
    public async Task Watchers_on_both_instances_see_the_end_within_seconds_through_two_silo_deaths()
    {
        var runs = int.TryParse(Environment.GetEnvironmentVariable("FAILOVER_RUNS"), out var given) ? given : 1;
        for (var run = 1; run <= runs; run++)
        {
            var (firstGap, secondGap, lateness) = await RunOnceAsync();
            output.WriteLine($"run {run}: first event after kill 1 in {firstGap.TotalSeconds:F2} s, after kill 2 in {secondGap.TotalSeconds:F2} s; " +
                $"terminal event {lateness.TotalSeconds:F2} s after the client's end");
        }
    }

    private async Task<(TimeSpan FirstGap, TimeSpan SecondGap, TimeSpan Lateness)> RunOnceAsync()
    {
        await using var cluster = await UploadCluster.StartAsync(silos: 2, apis: 2);
        var (first, second) = (cluster.Apis[0], cluster.Apis[1]);
        var originals = cluster.Silos.ToArray();
        var data = RandomBytes(16 << 20);
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(path, data);
        using var node = NodeScript.Start("tus-cluster.mjs", new Uri(first.BaseAddress, "/api/uploads").ToString(), path, (1 << 20).ToString(), "150");
        var id = IdOf((await node.EventAsync("created", Patience)).GetProperty("url").GetString()!);
        await using var onFirst = await Watcher.ConnectAsync(first.BaseAddress);
        await using var onSecond = await Watcher.ConnectAsync(second.BaseAddress);
        await onFirst.WatchAsync(id);
        await onSecond.WatchAsync(id);

        await SentAsync(node, data.Length / 4);
        var host = await cluster.HostOfAsync(id);
        await host.KillAsync();
        var firstKill = Stopwatch.StartNew();
        var joining = cluster.AddSiloAsync();
        var firstGap = await NextEventAsync(onSecond, id, firstKill);
        await joining;

        await SentAsync(node, data.Length * 6 / 10);
        await originals.Single(silo => silo != host).KillAsync();
        var secondKill = Stopwatch.StartNew();
        joining = cluster.AddSiloAsync();
        var secondGap = await NextEventAsync(onSecond, id, secondKill);
        await joining;

        var outcome = await node.FinishAsync(Patience);
        var ended = Stopwatch.StartNew();
        foreach (var retry in node.Lines.Where(line => line.GetProperty("event").GetString() == "retry"))
        {
            output.WriteLine($"  client retry: {retry}");
        }

        output.WriteLine("  chunks stored at (ms): " + string.Join(", ", node.Lines.Where(line => line.GetProperty("event").GetString() == "chunk").Select(line => line.GetProperty("ms").GetInt64())));

        Assert.Equal(("done", id), (outcome.GetProperty("event").GetString(), IdOf(outcome.GetProperty("url").GetString()!)));
        foreach (var watcher in new[] { onFirst, onSecond })
        {
            Assert.Equal(Sha256(data), (await watcher.NextAsync("UploadCompleted", id, TerminalWithin)).Sha256);
            var offsets = watcher.Events(id).Select(e => e.Status.BytesReceived).ToArray();
            Assert.True(offsets.Zip(offsets.Skip(1)).All(pair => pair.First <= pair.Second), string.Join(", ", offsets));
        }

        var lateness = ended.Elapsed;
        await using var late = await Watcher.ConnectAsync(second.BaseAddress);
        Assert.Equal("completed", (await late.WatchAsync(id)).State);
        return (firstGap, secondGap, lateness);
    }

    /// <summary>Waits until the client has sent at least <paramref name="bytes"/>.</summary>
    private static Task SentAsync(NodeScript node, long bytes) =>
        node.LineAsync(line => line.GetProperty("event").GetString() == "chunk" && line.GetProperty("sent").GetInt64() >= bytes, Patience);

    /// <summary>How long after a kill the watcher heard of the upload again.</summary>
    private static async Task<TimeSpan> NextEventAsync(Watcher watcher, string id, Stopwatch sinceKill)
    {
        var before = watcher.Events(id).Count;
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.OnEvent = (_, status) =>
        {
            if (status.Id == id)
            {
                heard.TrySetResult();
            }
        };
        if (watcher.Events(id).Count > before)
        {
            heard.TrySetResult();
        }

        await heard.Task.WaitAsync(Patience);
        watcher.OnEvent = null;
        return sinceKill.Elapsed;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
