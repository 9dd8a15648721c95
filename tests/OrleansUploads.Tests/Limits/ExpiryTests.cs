using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Limits;

/// <summary>tus expiration: unfinished uploads that see no bytes for a while expire and their bytes are deleted, on each store.</summary>
public sealed class ExpiryTests
{
    [Theory]
    [MemberData(nameof(StoreUnderTest.Every), MemberType = typeof(StoreUnderTest))]
    public async Task An_idle_unfinished_upload_expires_its_bytes_are_deleted_and_watchers_are_told(string kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        await using var service = await UploadService.StartAsync([.. store.Settings,
            "--Uploads:ExpireAfter=00:00:03", "--Cluster:Reminders:MinimumReminderPeriod=00:00:00.100", "--Uploads:SweepInterval=00:00:00.200"]);
        using var client = service.CreateClient();
        using var options = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/uploads"));
        var location = await client.CreateAsync(100);
        using var head = await client.SendAsync(Tus(HttpMethod.Head, location));
        var firstExpiry = DateTimeOffset.Parse(head.Headers.GetValues("Upload-Expires").Single());
        using var patch = await client.PatchAsync(location, 0, RandomBytes(40));
        var laterExpiry = DateTimeOffset.Parse(patch.Headers.GetValues("Upload-Expires").Single());
        await using var watcher = await Watcher.ConnectAsync(service.BaseAddress);
        var expired = await ExpiredAsync(watcher, IdOf(location));
        await Eventually.UntilAsync(() => store.HoldsNothingAsync(service, IdOf(location)), nothing => nothing,
            TimeSpan.FromSeconds(30), "the expired upload's bytes to be deleted");

        Assert.Contains("expiration", options.Headers.GetValues("Tus-Extension").Single());
        Assert.True(laterExpiry >= firstExpiry, $"{laterExpiry} < {firstExpiry}");
        Assert.Equal("expired", expired.State);
        Assert.Contains("expired", expired.Error);
        var status = await client.StatusAsync(location);
        Assert.Equal("expired", status.State);
        using var headAfter = await client.SendAsync(Tus(HttpMethod.Head, location));
        using var patchAfter = await client.PatchAsync(location, 40, RandomBytes(60));
        Assert.Equal(HttpStatusCode.Gone, headAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, patchAfter.StatusCode);
    }

    [Fact]
    public async Task A_completed_upload_never_expires()
    {
        await using var service = await UploadService.StartAsync(
            "--Uploads:ExpireAfter=00:00:01", "--Cluster:Reminders:MinimumReminderPeriod=00:00:00.100", "--Uploads:SweepInterval=00:00:00.200");
        using var client = service.CreateClient();
        var data = RandomBytes(10);
        var done = await client.CreateAsync(data.Length);
        using var patch = await client.PatchAsync(done, 0, data);
        var idle = await client.CreateAsync(10);
        await using var watcher = await Watcher.ConnectAsync(service.BaseAddress);

        // Once an upload created later has expired, the earlier completed one has had every chance to.
        await ExpiredAsync(watcher, IdOf(idle));

        Assert.False(patch.Headers.Contains("Upload-Expires"));
        Assert.Equal("completed", (await client.StatusAsync(done)).State);
        Assert.Equal(data, await client.GetByteArrayAsync(done + "/content"));
    }

    /// <summary>The upload's expiry as a watcher sees it: in the snapshot if it came first, else as the event.</summary>
    private static async Task<UploadStatusView> ExpiredAsync(Watcher watcher, string id)
    {
        var snapshot = await watcher.WatchAsync(id);
        return snapshot.State == "expired" ? snapshot : await watcher.NextAsync("UploadFailed", id, TimeSpan.FromSeconds(30));
    }
}
