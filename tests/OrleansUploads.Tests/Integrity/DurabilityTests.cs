using System.Net;
using OrleansUploads.Tests.Infrastructure;
using Xunit.Abstractions;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>
/// Offsets never run ahead of bytes that survive a machine crash: the service is watched with strace
/// for the fsync calls that put stored bytes on the disk itself before their offset is reported.
/// </summary>
public sealed class DurabilityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_committed_chunk_is_flushed_to_disk()
    {
        await using var service = await UploadService.StartAsync();
        using var client = service.CreateClient();
        var data = RandomBytes(4 << 20);
        var location = await client.CreateAsync(data.Length);
        string[] trace;
        await using (var strace = await SyscallTrace.AttachAsync(service.ProcessId, "-e", "trace=fsync,fdatasync"))
        {
            for (var chunk = 0; chunk < 4; chunk++)
            {
                using var response = await client.PatchAsync(location, chunk << 20, data[(chunk << 20)..((chunk + 1) << 20)]);
            }

            trace = await strace.StopAsync();
        }

        var flushes = trace.Count(line => line.Contains("fsync(") || line.Contains("fdatasync("));
        Assert.Equal(("completed", Sha256(data)), ((await client.StatusAsync(location)).State, (await client.StatusAsync(location)).Sha256));
        Assert.True(flushes >= 4, $"{flushes} flushes to disk for 4 committed chunks");
    }

    /// <summary>
    /// The order, not only the count: every offset HEAD showed at a moment was at most what fsyncs of
    /// the upload's file that had returned by then put on the disk. strace stamps a call's return
    /// before it lets the thread go on, so a correct service never shows an offset before the stamp
    /// of the fsync under it; the margin only absorbs the rounding of the stamps.
    /// </summary>
    [Fact]
    public async Task No_offset_is_shown_before_the_bytes_under_it_were_flushed_to_disk()
    {
        var margin = TimeSpan.FromMilliseconds(1);
        await using var service = await UploadService.StartAsync();
        using var client = service.CreateClient();
        var data = RandomBytes(3 << 20);
        var location = await client.CreateAsync(data.Length);
        var file = service.StoredFile(IdOf(location));
        var seen = new List<(DateTimeOffset At, long Offset)>();
        DurableExtent disk;
        await using (var strace = await SyscallTrace.AttachAsync(service.ProcessId,
            "-ttt", "-T", "-y", "-s", "0", "-e", "trace=pwrite64,write,fsync,fdatasync", "-P", file))
        {
            using var uploaded = new CancellationTokenSource();
            var polling = PollOffsetsAsync(service, location, seen, uploaded.Token);
            // Three PATCHes, each a body that trickles in for a while, so offsets move many times mid-body.
            for (var part = 0; part < 3; part++)
            {
                using var response = await client.PatchAsync(location, part << 20,
                    new TricklingContent(data.AsMemory(part << 20, 1 << 20), 32 << 10, TimeSpan.FromMilliseconds(10)));
                Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            }

            await uploaded.CancelAsync();
            await polling;
            disk = DurableExtent.Parse(await strace.StopAsync(), file);
        }

        var ahead = seen.Where(s => s.Offset > disk.At(s.At + margin)).Select(s => $"{s.Offset} at {s.At:HH:mm:ss.ffffff} > {disk.At(s.At + margin)}").ToList();
        var slack = (from s in seen
                     let flushed = disk.Steps.Where(d => d.Length >= s.Offset && s.Offset > 0).Select(d => (DateTimeOffset?)d.At).Min()
                     where flushed is not null
                     select (s.At - flushed.Value).TotalMilliseconds).DefaultIfEmpty(double.NaN).Min();
        output.WriteLine($"{seen.Count} offsets seen, {seen.Select(s => s.Offset).Distinct().Count()} distinct; {disk.Steps.Count} fsyncs of the file; " +
            $"the soonest an offset was seen after the fsync under it returned: {slack:F3} ms.");
        Assert.Equal(("completed", Sha256(data)), ((await client.StatusAsync(location)).State, (await client.StatusAsync(location)).Sha256));
        Assert.True(seen.Select(s => s.Offset).Count(o => o > 0 && o < data.Length) >= 5, "too few offsets were seen mid-upload to tell");
        Assert.True(ahead.Count == 0, $"Offsets shown before the bytes under them were on the disk: {string.Join("; ", ahead.Take(10))}");
    }

    /// <summary>HEAD after HEAD until <paramref name="stop"/>, each offset stamped with the moment its answer arrived.</summary>
    private static async Task PollOffsetsAsync(UploadService service, string location, List<(DateTimeOffset At, long Offset)> seen, CancellationToken stop)
    {
        using var client = service.CreateClient();
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        do
        {
            var offset = await client.OffsetAsync(location);
            seen.Add((DateTimeOffset.UtcNow, offset));
        }
        while (await pace.WaitForNextTickAsync(CancellationToken.None) && !stop.IsCancellationRequested);
    }
}
