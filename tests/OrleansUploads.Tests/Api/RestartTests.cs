using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <summary>The one-command service killed mid-upload and started again, as a user's machine would, on each store.</summary>
public sealed class RestartTests
{
    [Theory]
    [MemberData(nameof(StoreUnderTest.Every), MemberType = typeof(StoreUnderTest))]
    public async Task A_service_killed_mid_upload_restarts_and_the_client_resumes_to_a_byte_identical_file(string kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        await using var service = await UploadService.StartAsync(store.Settings);
        using var client = service.CreateClient();
        // The body stalls once more than a block or part has arrived, so something is committed before the kill.
        var stalled = Math.Max(3 << 20, store.CommitUnit + (1 << 20));
        var data = RandomBytes(stalled + (5 << 20));
        var location = await client.CreateAsync(data.Length);
        await using var patch = await StalledPatch.StartAsync(service.BaseAddress, location, 0, data.Length, data.AsMemory(0, stalled));
        var before = await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.BytesReceived > 0, TimeSpan.FromSeconds(20), "bytes to be committed");

        await service.KillAsync();
        await service.RestartAsync();

        var offset = await client.OffsetAsync(location);
        Assert.InRange(offset, before.BytesReceived, stalled);
        Assert.Equal("paused", (await client.StatusAsync(location)).State);
        using var resumed = await client.PatchAsync(location, offset, data[(int)offset..]);
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        Assert.Equal(data, await client.GetByteArrayAsync(location + "/content"));
    }
}
