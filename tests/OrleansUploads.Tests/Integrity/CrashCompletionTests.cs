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

        Assert.Equal(data.Length, await client.OffsetAsync(location));
        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
    }
}
