using System.Net.Http.Json;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>
/// The service dies after the last byte was committed but before the upload completed. A client
/// that then sees offset == length reports success without another PATCH, so the next look at the
/// upload must complete it, and whoever watches it hears of that completion exactly once.
/// </summary>
/// <remarks>
/// A watcher connected to the service that dies loses its connection with it, and a hub <c>Watch</c>
/// after the restart is itself a look that completes the upload. So the HEAD and activation paths are
/// watched from a second API instance in client mode in front of the service's silo: its watcher
/// subscribed before the crash and outlives it (the instance's stream subscription may or may not
/// survive the silo's death; the relay mends it).
/// </remarks>
public sealed class CrashCompletionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task After_a_crash_at_the_last_byte_a_head_finds_the_upload_complete()
    {
        await using var service = await UploadService.StartAsync();
        await using var observer = await UploadService.StartClientAsync(service);
        using var client = service.CreateClient();
        await using var watcher = await Watcher.ConnectAsync(observer.BaseAddress);
        var (location, data) = await CrashAtTheLastByteAsync(service, client, watcher);

        Assert.Equal(data.Length, await client.OffsetAsync(location));
        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        await HeardCompletedOnceAsync(watcher, location, data);
    }

    [Fact]
    public async Task After_a_crash_at_the_last_byte_the_grains_next_activation_completes_it()
    {
        await using var service = await UploadService.StartAsync("--Uploads:SweepInterval=00:00:01");
        await using var observer = await UploadService.StartClientAsync(service);
        using var client = service.CreateClient();
        await using var watcher = await Watcher.ConnectAsync(observer.BaseAddress);
        var (location, data) = await CrashAtTheLastByteAsync(service, client, watcher);

        // Listing reads each grain's status as it stands: it wakes the grain without completing anything itself.
        await Eventually.UntilAsync(() => client.GetFromJsonAsync<UploadStatusView[]>("/api/uploads?state=active", Json),
            active => active!.All(s => s.Id != IdOf(location)), Patience, "the upload to leave the active list");

        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        await HeardCompletedOnceAsync(watcher, location, data);
    }

    [Fact]
    public async Task After_a_crash_at_the_last_byte_a_watch_that_looks_first_hears_the_completion_once()
    {
        await using var service = await UploadService.StartAsync();
        using var client = service.CreateClient();
        var (location, data) = await CrashAtTheLastByteAsync(service, client, watcher: null);

        // Nothing but this watcher has touched the upload since the restart.
        await using var watcher = await Watcher.ConnectAsync(service.BaseAddress);
        var snapshot = await watcher.WatchAsync(IdOf(location));

        // Its own Watch may be what completes the upload; it hears the end as an event all the same, as
        // soon as any watcher hears an upload end (not at the relay's re-read of quiet uploads, 30 s on).
        Assert.Equal(data.Length, snapshot.BytesReceived);
        await HeardCompletedOnceAsync(watcher, location, data);
        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
    }

    /// <summary>
    /// An upload whose last byte was committed, and then the service was SIGKILLed and started again.
    /// <paramref name="watcher"/>, when given, watches it from before the crash.
    /// </summary>
    private static async Task<(string Location, byte[] Data)> CrashAtTheLastByteAsync(UploadService service, HttpClient client, Watcher? watcher)
    {
        var data = RandomBytes(300_000);
        var location = await client.CreateAsync(data.Length);
        await using (var writer = await Watcher.ConnectAsync(service.BaseAddress))
        {
            await writer.WatchAsync(IdOf(location));
            if (watcher is not null)
            {
                await watcher.WatchAsync(IdOf(location));
            }

            await using var patch = await ChunkedPatch.StartAsync(service.BaseAddress, location, 0, data);
            await writer.NextAsync("UploadProgress", IdOf(location), Patience, s => s.BytesReceived == data.Length);
            await service.KillAsync();
        }

        Assert.DoesNotContain(watcher?.Events(IdOf(location)) ?? [], e => e.Event == "UploadCompleted");
        await service.RestartAsync();
        return (location, data);
    }

    private static async Task HeardCompletedOnceAsync(Watcher watcher, string location, byte[] data)
    {
        var completed = await watcher.NextAsync("UploadCompleted", IdOf(location), Patience);
        Assert.Equal(("completed", (long)data.Length, Sha256(data)), (completed.State, completed.BytesReceived, completed.Sha256));
        Assert.Single(watcher.Events(IdOf(location)), e => e.Event == "UploadCompleted");
    }
}
