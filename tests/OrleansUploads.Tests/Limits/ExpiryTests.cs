using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Limits;

/// <summary>tus expiration: unfinished uploads that see no bytes for a while expire and their bytes are deleted.</summary>
public sealed class ExpiryTests
{
    [Fact]
    public async Task An_idle_unfinished_upload_expires_its_bytes_are_deleted_and_watchers_are_told()
    {
        await using var service = await UploadService.StartAsync(
            "--Uploads:ExpireAfter=00:00:02", "--Cluster:Reminders:MinimumReminderPeriod=00:00:00.100", "--Uploads:SweepInterval=00:00:00.200");
        using var client = service.CreateClient();
        using var options = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/uploads"));
        var location = await client.CreateAsync(100);
        await using var watcher = await Watcher.ConnectAsync(service.BaseAddress);
        await watcher.WatchAsync(IdOf(location));

        using var head = await client.SendAsync(Tus(HttpMethod.Head, location));
        var firstExpiry = DateTimeOffset.Parse(head.Headers.GetValues("Upload-Expires").Single());
        using var patch = await client.PatchAsync(location, 0, RandomBytes(40));
        var laterExpiry = DateTimeOffset.Parse(patch.Headers.GetValues("Upload-Expires").Single());
        var expired = await watcher.NextAsync("UploadFailed", IdOf(location), TimeSpan.FromSeconds(30));
        await Eventually.UntilAsync(() => Task.FromResult(File.Exists(service.StoredFile(IdOf(location)))), exists => !exists,
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
        await watcher.WatchAsync(IdOf(idle));

        // Once an upload created later has expired, the earlier completed one has had every chance to.
        await watcher.NextAsync("UploadFailed", IdOf(idle), TimeSpan.FromSeconds(30));

        Assert.False(patch.Headers.Contains("Upload-Expires"));
        Assert.Equal("completed", (await client.StatusAsync(done)).State);
        Assert.Equal(data, await client.GetByteArrayAsync(done + "/content"));
    }
}
