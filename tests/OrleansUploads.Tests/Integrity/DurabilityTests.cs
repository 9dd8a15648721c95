using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>
/// Offsets never run ahead of bytes that survive a machine crash: the service is watched with strace
/// for the fsync calls that put stored bytes on the disk itself before their offset is reported.
/// </summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Every_committed_chunk_is_flushed_to_disk()
    {
        await using var service = await UploadService.StartAsync();
        using var client = service.CreateClient();
        var data = RandomBytes(4 << 20);
        var location = await client.CreateAsync(data.Length);
        var trace = Path.Combine(Path.GetTempPath(), $"fsync-{Guid.NewGuid():N}.trace");
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var strace = ChildProcess.Start("strace", ["-f", "-e", "trace=fsync,fdatasync", "-o", trace, "-p", service.ProcessId.ToString()],
            output: line => { if (line.Contains("attached")) { attached.TrySetResult(); } }))
        {
            await attached.Task.WaitAsync(TimeSpan.FromSeconds(20));
            for (var chunk = 0; chunk < 4; chunk++)
            {
                using var response = await client.PatchAsync(location, chunk << 20, data[(chunk << 20)..((chunk + 1) << 20)]);
            }
        }

        var flushes = File.ReadLines(trace).Count(line => line.Contains("fsync(") || line.Contains("fdatasync("));
        File.Delete(trace);
        Assert.Equal(("completed", Sha256(data)), ((await client.StatusAsync(location)).State, (await client.StatusAsync(location)).Sha256));
        Assert.True(flushes >= 4, $"{flushes} flushes to disk for 4 committed chunks");
    }
}
