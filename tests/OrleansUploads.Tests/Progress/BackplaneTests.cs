using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Progress;

/// <summary>
/// Two API processes in client mode in front of one silo process: the Orleans stream is the
/// backplane and the grain is the lock, whichever instance a request reaches.
/// </summary>
public sealed class BackplaneTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private SiloProcess? _silo;
    private UploadService? _first;
    private UploadService? _second;

    private SiloProcess Silo => _silo!;
    private UploadService First => _first!;
    private UploadService Second => _second!;

    public async Task InitializeAsync()
    {
        _silo = await SiloProcess.StartAsync();
        var instances = await Task.WhenAll(UploadService.StartClientAsync(_silo), UploadService.StartClientAsync(_silo));
        (_first, _second) = (instances[0], instances[1]);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new IAsyncDisposable?[] { _first, _second, _silo })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Uploads_move_between_instances_and_watchers_on_either_see_them_live()
    {
        using var one = First.CreateClient();
        using var two = Second.CreateClient();
        var data = RandomBytes(3 << 20);
        var location = await one.CreateAsync(data.Length);
        var id = IdOf(location);
        await using var watcherOnOne = await Watcher.ConnectAsync(First.BaseAddress);
        await using var watcherOnTwo = await Watcher.ConnectAsync(Second.BaseAddress);
        await watcherOnOne.WatchAsync(id);
        await watcherOnTwo.WatchAsync(id);

        await one.PatchAsync(location, 0, data[..(1 << 20)]);
        var offset = await two.OffsetAsync(location);
        using var rest = await two.PatchAsync(location, offset, data[(int)offset..]);

        Assert.Equal(1 << 20, offset);
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        Assert.Equal(Sha256(data), (await watcherOnOne.NextAsync("UploadCompleted", id, Patience)).Sha256);
        Assert.Equal(Sha256(data), (await watcherOnTwo.NextAsync("UploadCompleted", id, Patience)).Sha256);
        Assert.Equal(data, await one.GetByteArrayAsync(location + "/content"));
    }

    [Fact]
    public async Task Delete_through_one_instance_stops_the_writer_on_the_other()
    {
        using var one = First.CreateClient();
        var data = RandomBytes(4 << 20);
        var location = await one.CreateAsync(data.Length);
        var id = IdOf(location);
        await using var watcher = await Watcher.ConnectAsync(First.BaseAddress);
        await watcher.WatchAsync(id);
        await using var patch = await StalledPatch.StartAsync(Second.BaseAddress, location, 0, data.Length, data.AsMemory(0, 1 << 20));
        await watcher.NextAsync("UploadProgress", id, Patience, s => s.BytesReceived == 1 << 20);

        using var delete = await one.SendAsync(Tus(HttpMethod.Delete, location));

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(410, await patch.StatusCodeAsync(Patience));
        Assert.Equal("cancelled", (await watcher.NextAsync("UploadCancelled", id, Patience)).State);
        Assert.False(File.Exists(First.StoredFile(id)));
    }

    [Fact]
    public async Task Watchers_keep_getting_events_after_the_api_reconnects_to_a_restarted_cluster()
    {
        using var one = First.CreateClient();
        var data = RandomBytes(1 << 20);
        var location = await one.CreateAsync(data.Length);
        var id = IdOf(location);
        await using var watcher = await Watcher.ConnectAsync(First.BaseAddress);
        await watcher.WatchAsync(id);

        await Silo.KillAsync();
        await Silo.RestartAsync();
        await Eventually.UntilAsync(() => IsAnsweringAsync(one, location), answering => answering, TimeSpan.FromSeconds(60), "the API to reach the cluster again");
        using var patch = await one.PatchAsync(location, 0, data);

        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        Assert.Equal(Sha256(data), (await watcher.NextAsync("UploadCompleted", id, Patience)).Sha256);
    }

    private static async Task<bool> IsAnsweringAsync(HttpClient client, string location)
    {
        try
        {
            using var response = await client.GetAsync(location);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
