using System.Net.Http.Json;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>
/// The service dies after the last byte was committed but before the upload completed. A client
/// that then sees offset == length reports success without another PATCH, so the next look at the
/// upload must complete it.
/// </summary>
public sealed class CrashCompletionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task After_a_crash_at_the_last_byte_a_head_finds_the_upload_complete()
    {
        await using var service = await UploadService.StartAsync();
        using var client = service.CreateClient();
        var (location, data) = await CrashAtTheLastByteAsync(service, client);

        Assert.Equal(data.Length, await client.OffsetAsync(location));
        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
    }

    [Fact]
    public async Task After_a_crash_at_the_last_byte_the_grains_next_activation_completes_it()
    {
        await using var service = await UploadService.StartAsync("--Uploads:SweepInterval=00:00:01");
        using var client = service.CreateClient();
        var (location, data) = await CrashAtTheLastByteAsync(service, client);

        // Listing reads each grain's status as it stands: it wakes the grain without completing anything itself.
        await Eventually.UntilAsync(() => client.GetFromJsonAsync<UploadStatusView[]>("/api/uploads?state=active", Json),
            active => active!.All(s => s.Id != IdOf(location)), Patience, "the upload to leave the active list");

        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
    }

    /// <summary>An upload whose last byte was committed, and then the service was SIGKILLed and started again.</summary>
    private static async Task<(string Location, byte[] Data)> CrashAtTheLastByteAsync(UploadService service, HttpClient client)
    {
        var data = RandomBytes(300_000);
        var location = await client.CreateAsync(data.Length);
        await using (var watcher = await Watcher.ConnectAsync(service.BaseAddress))
        {
            await watcher.WatchAsync(IdOf(location));
            await using var patch = await ChunkedPatch.StartAsync(service.BaseAddress, location, 0, data);
            await watcher.NextAsync("UploadProgress", IdOf(location), Patience, s => s.BytesReceived == data.Length);
            await service.KillAsync();
        }

        await service.RestartAsync();
        return (location, data);
    }
}
