using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Progress;

/// <summary>Live progress through grain, Orleans stream and the SignalR hub, watched by real SignalR clients.</summary>
[Collection(ServiceCollection.Name)]
public sealed class HubTests(ServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly HttpClient _client = fixture.CreateClient();

    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.ServerSentEvents)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task A_watcher_sees_monotonic_progress_and_a_completion_matching_the_stored_file(HttpTransportType transport)
    {
        var data = RandomBytes(24 << 20);
        var location = await _client.CreateAsync(data.Length);
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress, transport);
        var aheadOfStorage = new List<string>();
        watcher.OnEvent = (_, status) =>
        {
            var stored = new FileInfo(fixture.Service.StoredFile(status.Id)).Length;
            if (status.BytesReceived > stored)
            {
                lock (aheadOfStorage)
                {
                    aheadOfStorage.Add($"{status.BytesReceived} > {stored}");
                }
            }
        };
        var snapshot = await watcher.WatchAsync(IdOf(location));

        await using (var patch = await StalledPatch.StartAsync(fixture.Service.BaseAddress, location, 0, 8 << 20, data.AsMemory(0, 8 << 20)))
        {
            Assert.Equal(204, await patch.StatusCodeAsync(Patience));
        }

        var progress = await watcher.NextAsync("UploadProgress", IdOf(location), Patience, s => s.BytesReceived == 8 << 20);
        using var rest = await _client.PatchAsync(location, 8 << 20, data[(8 << 20)..]);
        var completed = await watcher.NextAsync("UploadCompleted", IdOf(location), Patience);

        Assert.Equal(("created", 0L), (snapshot.State, snapshot.BytesReceived));
        Assert.Equal(8 << 20, progress.BytesReceived);
        Assert.Equal(("completed", (long)data.Length, Sha256(data)), (completed.State, completed.BytesReceived, completed.Sha256));
        Assert.Equal(completed.Sha256, Sha256(await File.ReadAllBytesAsync(fixture.Service.StoredFile(IdOf(location)))));
        Assert.Equal(await _client.StatusAsync(location), completed);
        var events = watcher.Events(IdOf(location));
        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.Status.BytesReceived <= pair.Second.Status.BytesReceived),
            string.Join(", ", events.Select(e => e.Status.BytesReceived)));
        Assert.Equal("UploadCompleted", events[^1].Event);
        Assert.Empty(aheadOfStorage);
    }

    /// <summary>
    /// A client that sends its file in parts, one request after another (tus-js-client's chunkSize, the
    /// uploads tool), lets go of the upload between them: to its watchers it is one transfer, uploading
    /// at a speed, not paused and resumed part after part.
    /// </summary>
    [Fact]
    public async Task A_file_sent_in_parts_back_to_back_is_uploading_at_a_speed_to_its_watchers_and_never_paused()
    {
        // A notice far longer than a loaded machine takes between two requests: what is tested is that
        // the next part withdraws it, not how fast parts follow each other.
        await using var service = await UploadService.StartAsync("--Uploads:PauseNotice=00:00:10");
        using var client = service.CreateClient();
        var data = RandomBytes(8 << 19);
        var location = await client.CreateAsync(data.Length);
        var id = IdOf(location);
        await using var watcher = await Watcher.ConnectAsync(service.BaseAddress);
        await watcher.WatchAsync(id);

        for (var offset = 0; offset < data.Length; offset += 1 << 19)
        {
            using var part = await client.PatchAsync(location, offset, data[offset..(offset + (1 << 19))]);
            Assert.Equal(HttpStatusCode.NoContent, part.StatusCode);
        }

        await watcher.NextAsync("UploadCompleted", id, Patience);
        var states = watcher.Events(id).Select(e => e.Status).ToArray();
        Assert.DoesNotContain(states, status => status.State == "paused");
        Assert.Contains(states, status => status.State == "uploading" && status.BytesPerSecond > 0);
    }

    [Fact]
    public async Task A_late_joiner_gets_the_current_status_at_once()
    {
        var location = await _client.CreateAsync(1000);
        await _client.PatchAsync(location, 0, RandomBytes(400));
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);

        var snapshot = await watcher.WatchAsync(IdOf(location));

        Assert.Equal(("paused", 400L, 1000L, 40.0), (snapshot.State, snapshot.BytesReceived, snapshot.TotalBytes, snapshot.Percentage));
    }

    [Fact]
    public async Task Cancel_through_the_hub_stops_the_patch_in_flight_and_tells_every_watcher()
    {
        var data = RandomBytes(4 << 20);
        var location = await _client.CreateAsync(data.Length);
        var id = IdOf(location);
        await using var canceller = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await using var bystander = await Watcher.ConnectAsync(fixture.Service.BaseAddress, HttpTransportType.ServerSentEvents);
        await canceller.WatchAsync(id);
        await bystander.WatchAsync(id);
        await using var patch = await StalledPatch.StartAsync(fixture.Service.BaseAddress, location, 0, data.Length, data.AsMemory(0, 1 << 20));
        await bystander.NextAsync("UploadProgress", id, Patience, s => s.BytesReceived == 1 << 20);

        var cancelled = await canceller.Connection.InvokeAsync<UploadStatusView>("Cancel", id);

        Assert.Equal("cancelled", cancelled.State);
        Assert.Equal(410, await patch.StatusCodeAsync(Patience));
        Assert.Equal("cancelled", (await canceller.NextAsync("UploadCancelled", id, Patience)).State);
        Assert.Equal("cancelled", (await bystander.NextAsync("UploadCancelled", id, Patience)).State);
        Assert.False(File.Exists(fixture.Service.StoredFile(id)));
        Assert.Equal("UploadCancelled", bystander.Events(id)[^1].Event);
    }

    [Fact]
    public async Task A_failed_upload_gives_upload_failed()
    {
        var location = await _client.CreateAsync(100);
        await _client.PatchAsync(location, 0, RandomBytes(50));
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(location));
        File.Delete(fixture.Service.StoredFile(IdOf(location)));

        using var response = await _client.PatchAsync(location, 50, RandomBytes(50));
        var failed = await watcher.NextAsync("UploadFailed", IdOf(location), Patience);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("failed", failed.State);
        Assert.Contains("lost", failed.Error);
    }

    [Fact]
    public async Task Watching_an_unknown_id_is_a_hub_error()
    {
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);

        var unknown = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync("0123456789abcdef0123456789abcdef"));
        var malformed = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync("../etc"));
        var cancel = await Assert.ThrowsAsync<HubException>(() => watcher.Connection.InvokeAsync<UploadStatusView>("Cancel", "0123456789abcdef0123456789abcdef"));

        Assert.Contains("No upload", unknown.Message);
        Assert.Contains("No upload", malformed.Message);
        Assert.Contains("No upload", cancel.Message);
    }

    [Fact]
    public async Task Watcher_events_go_only_to_that_uploads_watchers()
    {
        var watched = await _client.CreateAsync(10);
        var other = await _client.CreateAsync(10);
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await using var otherWatcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(watched));
        await otherWatcher.WatchAsync(IdOf(other));

        await _client.PatchAsync(watched, 0, RandomBytes(10));
        await _client.PatchAsync(other, 0, RandomBytes(10));
        await watcher.NextAsync("UploadCompleted", IdOf(watched), Patience);
        await otherWatcher.NextAsync("UploadCompleted", IdOf(other), Patience);

        Assert.Empty(watcher.Events(IdOf(other)));
        Assert.Empty(otherWatcher.Events(IdOf(watched)));
    }

    [Fact]
    public async Task Stream_subscriptions_are_reference_counted_and_return_to_zero()
    {
        var first = IdOf(await _client.CreateAsync(10));
        var second = IdOf(await _client.CreateAsync(10));
        var baseline = await SubscriptionsAsync();
        var a = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        var b = await Watcher.ConnectAsync(fixture.Service.BaseAddress);

        await a.WatchAsync(first);
        await b.WatchAsync(first);
        await b.WatchAsync(second);
        Assert.Equal(baseline + 2, await SubscriptionsAsync());

        await a.Connection.InvokeAsync("Unwatch", first);
        Assert.Equal(baseline + 2, await SubscriptionsAsync());
        await b.Connection.InvokeAsync("Unwatch", second);
        Assert.Equal(baseline + 1, await SubscriptionsAsync());

        // The last watcher of the first upload just goes away.
        await b.DisposeAsync();
        await Eventually.UntilAsync(SubscriptionsAsync, count => count == baseline, Patience, "the relay to drop the disconnected watcher");
        await a.DisposeAsync();
    }

    [Fact]
    public async Task A_fast_200_MiB_upload_produces_about_one_progress_event_per_interval()
    {
        const long size = 200L << 20;
        var location = await _client.CreateAsync(size);
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(location));

        var clock = Stopwatch.StartNew();
        using var response = await _client.PatchAsync(location, 0, new StreamContent(new PatternStream(size), 1 << 16));
        await watcher.NextAsync("UploadCompleted", IdOf(location), Patience);
        var elapsed = clock.Elapsed;

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var progress = watcher.Events(IdOf(location)).Count(e => e.Event == "UploadProgress");
        // 80 ms interval; a couple of extra events for the state changes (uploading, paused).
        var bound = (int)(elapsed.TotalMilliseconds / 80) + 3;
        Assert.InRange(progress, 1, bound);
    }

    private async Task<int> SubscriptionsAsync() =>
        (await _client.GetFromJsonAsync<Diagnostics>("/api/diagnostics"))!.RelaySubscriptions;

    private sealed record Diagnostics(int RelaySubscriptions);
}
