using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>An object store that refuses the service's key, or goes away mid-upload and comes back: Azure Blob storage and S3.</summary>
public sealed class ObjectStoreFaultTests
{
    [Theory]
    [MemberData(nameof(StoreUnderTest.ObjectStores), MemberType = typeof(StoreUnderTest))]
    public async Task Wrong_credentials_stop_the_service_at_start_up_with_a_message_saying_so(string kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        var (settings, named) = store.WrongCredentials;

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => UploadService.StartAsync(settings));

        Assert.Contains("cannot be used (check ", failure.Message);
        Assert.Contains(named, failure.Message);
    }

    [Theory]
    [MemberData(nameof(StoreUnderTest.ObjectStores), MemberType = typeof(StoreUnderTest))]
    public async Task An_upload_resumes_and_completes_whole_after_the_store_was_unreachable_and_restarted(string kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind, persistent: true);
        await using var service = await UploadService.StartAsync(store.Settings);
        using var client = service.CreateClient();
        var data = RandomBytes(1 << 20);
        var location = await client.CreateAsync(data.Length);
        using (await client.PatchAsync(location, 0, data[..400_000]))
        {
        }

        await store.StopAsync();
        using var refused = await client.PatchAsync(location, 400_000, data[400_000..700_000]);
        var offsetWhileDown = await client.OffsetAsync(location);
        await store.RestartAsync();
        var offset = await client.OffsetAsync(location);
        using (await client.PatchAsync(location, offset, data[(int)offset..]))
        {
        }

        // Unreachable storage is a reason to retry, and costs nothing that was stored.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal((400_000L, 400_000L), (offsetWhileDown, offset));
        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        Assert.Equal(data, await client.GetByteArrayAsync(location + "/content"));
    }

    [Theory]
    [MemberData(nameof(StoreUnderTest.ObjectStores), MemberType = typeof(StoreUnderTest))]
    public async Task A_store_that_goes_away_mid_body_is_a_503_and_the_upload_resumes_whole_once_it_is_back(string kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind, persistent: true);
        await using var service = await UploadService.StartAsync(store.Settings);
        using var client = service.CreateClient();
        var unit = store.CommitUnit;
        var data = RandomBytes(6 * unit + 1000);
        var location = await client.CreateAsync(data.Length);
        await using var patch = await StalledPatch.StartAsync(service.BaseAddress, location, 0, data.Length, data.AsMemory(0, 2 * unit + 100));
        await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.BytesReceived >= 2 * unit, TimeSpan.FromSeconds(20), "two blocks or parts to be committed");

        await store.StopAsync();
        // More than a block or part arrives while the store is away: storing it fails mid-body.
        try
        {
            await patch.SendAsync(data.AsMemory(2 * unit + 100, 2 * unit));
        }
        catch (IOException)
        {
            // The service may answer and close before it took all of it.
        }

        var answer = await patch.StatusCodeAsync(TimeSpan.FromSeconds(30));
        await store.RestartAsync();
        var offset = await client.OffsetAsync(location);
        using var resumed = await client.PatchAsync(location, offset, data[(int)offset..]);

        Assert.Equal(503, answer);
        Assert.InRange(offset, 2 * unit, 2 * unit + 100);
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        Assert.Equal(data, await client.GetByteArrayAsync(location + "/content"));
    }
}
