using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using static OrleansUploads.Bench.Report;
using static OrleansUploads.Bench.Transfers;

namespace OrleansUploads.Bench;

/// <summary>Scenario 3 (stored bytes to watcher event) and scenario 4 (DELETE to transfer stopped and watchers told).</summary>
public static class LatencyScenarios
{
    private const int PieceBytes = 256 << 10;
    private const int Pieces = 80;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);

    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        await using var ours = await ServerProcess.StartServiceAsync();
        using var client = NewClient();
        var endpoint = new Uri(ours.BaseAddress, "/api/uploads");
        await TusUploadAsync(client, endpoint, 1 << 20);
        await using var watcher = await HubWatcher.ConnectAsync(ours.BaseAddress);

        var latencies = new List<double>();
        for (var round = 0; round < settings.LatencyUploads; round++)
        {
            latencies.AddRange(await ProgressLatencyAsync(client, endpoint, watcher));
        }

        var p99 = Percentile(latencies, 99);
        report.Add(new("3. Progress latency", $"sent bytes to watcher event, p50 / p99 ({latencies.Count} events)",
            $"{Number(Median(latencies), "ms")} / {Number(p99, "ms")}", "p99 <= 150 ms", p99 <= 150));

        var stopped = new List<double>();
        var told = new List<double>();
        for (var round = 0; round < settings.CancelRounds; round++)
        {
            var (patchStopped, watcherTold) = await CancelLatencyAsync(client, ours, endpoint, watcher);
            stopped.Add(patchStopped);
            told.Add(watcherTold);
        }

        var both = stopped.Zip(told, Math.Max).ToArray();
        report.Add(new("4. Cancel latency", "DELETE to in-flight PATCH answered, p50 / p99", $"{Number(Median(stopped), "ms")} / {Number(Percentile(stopped, 99), "ms")}"));
        report.Add(new("4. Cancel latency", "DELETE to watcher told, p50 / p99", $"{Number(Median(told), "ms")} / {Number(Percentile(told, 99), "ms")}"));
        report.Add(new("4. Cancel latency", "DELETE to both, p99", Number(Percentile(both, 99), "ms"), "p99 <= 250 ms", Percentile(both, 99) <= 250));
    }

    /// <summary>A client sending at a steady pace; each event is matched with when its bytes were sent.</summary>
    private static async Task<IEnumerable<double>> ProgressLatencyAsync(HttpClient client, Uri endpoint, HubWatcher watcher)
    {
        var location = await TusCreateAsync(client, endpoint, (long)PieceBytes * Pieces);
        var id = location.Segments[^1];
        await watcher.WatchAsync(id);
        var content = new PacedContent();
        using var response = await client.SendAsync(TusPatch(location, 0, content));
        await watcher.FinishedAsync(id);
        var sent = content.SentAt;
        return watcher.Events
            .Where(e => e.Status.Id == id && e.Status.State == "uploading" && e.Status.BytesReceived > 0)
            .Select(e => Stopwatch.GetElapsedTime(sent[(int)((e.Status.BytesReceived - 1) / PieceBytes)], e.At).TotalMilliseconds)
            .ToArray();
    }

    private static async Task<(double PatchStopped, double WatcherTold)> CancelLatencyAsync(HttpClient client, ServerProcess ours, Uri endpoint, HubWatcher watcher)
    {
        var length = 64L << 20;
        var location = await TusCreateAsync(client, endpoint, length);
        var id = location.Segments[^1];
        await watcher.WatchAsync(id);
        using var connection = new TcpClient();
        await connection.ConnectAsync(IPAddress.Loopback, ours.Port);
        var stream = connection.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"PATCH {location.AbsolutePath} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n" +
            $"Content-Type: application/offset+octet-stream\r\nContent-Length: {length}\r\n\r\n"));
        await stream.WriteAsync(new byte[1 << 20]);
        while (!watcher.Events.Any(e => e.Status.Id == id && e.Status.BytesReceived > 0))
        {
            await Task.Delay(5);
        }

        var delete = new HttpRequestMessage(HttpMethod.Delete, location);
        delete.Headers.Add("Tus-Resumable", "1.0.0");
        var started = Stopwatch.GetTimestamp();
        var answered = ReadStatusLineAsync(stream);
        using var deleted = await client.SendAsync(delete);
        await answered;
        var patchStopped = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var toldAt = await watcher.FinishedAsync(id);
        return (patchStopped, Stopwatch.GetElapsedTime(started, toldAt).TotalMilliseconds);
    }

    private static async Task ReadStatusLineAsync(NetworkStream stream)
    {
        var buffer = new byte[512];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n"))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }

    /// <summary>Sends a piece every <see cref="Pace"/> and remembers when each left.</summary>
    private sealed class PacedContent : HttpContent
    {
        public long[] SentAt { get; } = new long[Pieces];

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var piece = new byte[PieceBytes];
            using var pace = new PeriodicTimer(Pace);
            for (var index = 0; index < Pieces; index++)
            {
                await stream.WriteAsync(piece);
                await stream.FlushAsync();
                SentAt[index] = Stopwatch.GetTimestamp();
                await pace.WaitForNextTickAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = (long)PieceBytes * Pieces;
            return true;
        }
    }
}
