using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Cluster;

/// <summary>Three silos joined through Redis behind two API instances, with processes killed and added mid-upload.</summary>
[Collection(Name)]
public sealed class ClusterTests : IAsyncLifetime, IDisposable
{
    public const string Name = "cluster, alone";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("cluster-files-").FullName;
    private UploadCluster? _cluster;

    private UploadCluster Cluster => _cluster!;
    private UploadService First => Cluster.Apis[0];
    private UploadService Second => Cluster.Apis[1];

    public async Task InitializeAsync()
    {
        _cluster = await UploadCluster.StartAsync(silos: 3, apis: 2);
        // A new cluster's first creation compiles and activates a great deal in the API and its silos: on a
        // busy machine it can outlast the response timeout and get 503, which clients retry. These tests are
        // about what happens later, so each instance first creates an empty upload, retried as a client would.
        foreach (var api in Cluster.Apis)
        {
            using var client = api.CreateClient();
            await Eventually.UntilAsync(() => CreatedAsync(client), created => created, Patience, $"a first upload created through {api.BaseAddress}");
        }
    }

    private static async Task<bool> CreatedAsync(HttpClient client)
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "0");
        using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await client.SendAsync(request, attempt.Token);
            return response.StatusCode == HttpStatusCode.Created;
        }
        catch (Exception unanswered) when (unanswered is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task An_upload_created_on_one_instance_is_resumed_watched_and_cancelled_through_the_other()
    {
        using var one = First.CreateClient();
        using var two = Second.CreateClient();
        var data = RandomBytes(4 << 20);
        var location = await one.CreateAsync(data.Length);
        var id = IdOf(location);
        await using var watcherOnOne = await Watcher.ConnectAsync(First.BaseAddress);
        await using var watcherOnTwo = await Watcher.ConnectAsync(Second.BaseAddress);
        await watcherOnOne.WatchAsync(id);
        await watcherOnTwo.WatchAsync(id);

        await one.PatchAsync(location, 0, data[..(1 << 20)]);
        Assert.Equal(1 << 20, await two.OffsetAsync(location));
        await using var patch = await StalledPatch.StartAsync(Second.BaseAddress, location, 1 << 20, data.Length - (1 << 20), data.AsMemory(1 << 20, 1 << 20));
        await watcherOnOne.NextAsync("UploadProgress", id, Patience, s => s.BytesReceived == 2 << 20);
        using var delete = await one.SendAsync(Tus(HttpMethod.Delete, location));

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(410, await patch.StatusCodeAsync(Patience));
        Assert.Equal("cancelled", (await watcherOnOne.NextAsync("UploadCancelled", id, Patience)).State);
        Assert.Equal("cancelled", (await watcherOnTwo.NextAsync("UploadCancelled", id, Patience)).State);
        Assert.False(File.Exists(First.StoredFile(id)));
    }

    [Fact]
    public async Task Killing_the_silo_that_hosts_an_upload_mid_transfer_loses_nothing()
    {
        var (path, data) = WriteFile("silo-kill.bin", 24 << 20);
        using var node = NodeScript.Start("tus-cluster.mjs", Endpoint(First), path, (1 << 20).ToString(), "100");
        var id = IdOf((await node.EventAsync("created", Patience)).GetProperty("url").GetString()!);
        await using var watcher = await Watcher.ConnectAsync(Second.BaseAddress);
        var ahead = WatchForOffsetsAheadOfStorage(watcher);
        await watcher.WatchAsync(id);
        await node.LineAsync(line => line.GetProperty("event").GetString() == "chunk" && line.GetProperty("sent").GetInt64() >= 4 << 20, Patience);

        var host = await Cluster.HostOfAsync(id);
        await host.KillAsync();
        var outcome = await node.FinishAsync(Patience);

        // Finished as the same upload: never started over under a new id.
        Assert.Equal(("done", id), (outcome.GetProperty("event").GetString(), IdOf(outcome.GetProperty("url").GetString()!)));
        var completed = await watcher.NextAsync("UploadCompleted", id, Patience);
        Assert.Equal(Sha256(data), completed.Sha256);
        Assert.Equal(data, await File.ReadAllBytesAsync(First.StoredFile(id)));
        AssertMonotonic(watcher.Events(id));
        Assert.Empty(ahead);
    }

    [Fact]
    public async Task Right_after_the_silo_hosting_an_upload_dies_head_still_answers_with_its_offset()
    {
        using var one = First.CreateClient();
        var location = await one.CreateAsync(2 << 20);
        using (await one.PatchAsync(location, 0, RandomBytes(1 << 20)))
        {
        }

        await (await Cluster.HostOfAsync(IdOf(location))).KillAsync();
        // The cluster still addresses the grain to the dead silo until it is declared dead; a failed
        // HEAD here would make tus-js-client start the file over.
        using var head = await one.SendAsync(Tus(HttpMethod.Head, location));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal((1 << 20).ToString(), head.Headers.GetValues("Upload-Offset").Single());
    }

    [Fact]
    public async Task A_cancel_through_the_other_instance_while_the_grain_moves_stops_the_writer_within_a_second()
    {
        using var one = First.CreateClient();
        using var two = Second.CreateClient();
        var location = await one.CreateAsync(8 << 20);
        var id = IdOf(location);
        // A PATCH on the first instance whose body stalls after 1 MiB: its writer waits for more.
        await using var patch = await StalledPatch.StartAsync(First.BaseAddress, location, 0, 8 << 20, RandomBytes(1 << 20));
        await Eventually.UntilAsync(() => two.StatusAsync($"/api/uploads/{id}"), status => status.BytesReceived > 0, Patience, "the first bytes to be committed");

        await (await Cluster.HostOfAsync(id)).KillAsync();
        // Answered by the grain's new activation, once the cluster has moved it.
        using var cancel = await two.SendAsync(Tus(HttpMethod.Delete, location));
        var cancelled = Stopwatch.StartNew();
        var answer = await patch.StatusCodeAsync(Patience);
        var writerStoppedAfter = cancelled.Elapsed;

        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        Assert.True(writerStoppedAfter < TimeSpan.FromSeconds(1), $"The writer answered {answer} only {writerStoppedAfter.TotalSeconds:F2} s after the cancel.");
        using var head = await one.SendAsync(Tus(HttpMethod.Head, location));
        Assert.Contains(head.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.Gone });
    }

    [Fact]
    public async Task Killing_an_api_instance_mid_upload_lets_the_client_finish_through_the_other()
    {
        var (path, data) = WriteFile("api-kill.bin", 24 << 20);
        using var node = NodeScript.Start("tus-cluster.mjs", $"{Endpoint(First)},{Endpoint(Second)}", path, (1 << 20).ToString(), "100");
        var id = IdOf((await node.EventAsync("created", Patience)).GetProperty("url").GetString()!);
        await node.LineAsync(line => line.GetProperty("event").GetString() == "chunk" && line.GetProperty("sent").GetInt64() >= 4 << 20, Patience);

        await First.KillAsync();
        var outcome = await node.FinishAsync(Patience);

        Assert.Equal(("done", 1), (outcome.GetProperty("event").GetString(), outcome.GetProperty("endpoint").GetInt32()));
        using var two = Second.CreateClient();
        var status = await two.StatusAsync($"/api/uploads/{id}");
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        Assert.Equal(data, await File.ReadAllBytesAsync(Second.StoredFile(id)));
    }

    [Fact]
    public async Task Adding_a_silo_while_uploads_run_does_not_disturb_them()
    {
        var (path, data) = WriteFile("add-silo.bin", 16 << 20);
        using var node = NodeScript.Start("tus-cluster.mjs", Endpoint(First), path, (1 << 20).ToString(), "100");
        var id = IdOf((await node.EventAsync("created", Patience)).GetProperty("url").GetString()!);
        await node.LineAsync(line => line.GetProperty("event").GetString() == "chunk" && line.GetProperty("sent").GetInt64() >= 2 << 20, Patience);

        await Cluster.AddSiloAsync();
        var outcome = await node.FinishAsync(Patience);

        Assert.Equal(("done", 0), (outcome.GetProperty("event").GetString(), outcome.GetProperty("retries").GetInt32()));
        using var one = First.CreateClient();
        Assert.Equal(Sha256(data), (await one.StatusAsync($"/api/uploads/{id}")).Sha256);
        Assert.Equal(4, Cluster.Silos.Count);
    }

    [Fact]
    public async Task Without_a_reachable_silo_head_answers_423_and_the_api_serves_again_when_one_returns()
    {
        using var one = First.CreateClient();
        var data = RandomBytes(10);
        var location = await one.CreateAsync(data.Length);
        var id = IdOf(location);
        await using var watcher = await Watcher.ConnectAsync(First.BaseAddress);
        await watcher.WatchAsync(id);
        foreach (var silo in Cluster.Silos)
        {
            await silo.KillAsync();
        }

        using var head = await one.SendAsync(Tus(HttpMethod.Head, location));
        using var headOfContent = await one.SendAsync(new HttpRequestMessage(HttpMethod.Head, location + "/content"));
        using var page = await one.GetAsync("/");

        // tus clients retry a 423; a 5xx would make them start the file over under a new id.
        Assert.Equal((HttpStatusCode)423, head.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), head.Headers.RetryAfter?.Delta);
        Assert.Equal("1.0.0", head.Headers.GetValues("Tus-Resumable").Single());
        // A download's HEAD is answered as its GET: unavailable, to be retried.
        Assert.Equal((HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(1)), (headOfContent.StatusCode, headOfContent.Headers.RetryAfter?.Delta));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        await Cluster.Silos[0].RestartAsync();
        var answered = await Eventually.UntilAsync(() => one.SendAsync(Tus(HttpMethod.Head, location)),
            response => response.StatusCode == HttpStatusCode.OK, Patience, "the API to reach the returned silo");
        Assert.Equal("0", answered.Headers.GetValues("Upload-Offset").Single());

        // The API's stream subscription outlived the cluster: the watcher hears of the upload's end.
        using (await one.PatchAsync(location, 0, data))
        {
        }

        Assert.Equal(Sha256(data), (await watcher.NextAsync("UploadCompleted", id, Patience)).Sha256);
    }

    [Fact]
    public async Task Watching_while_no_silo_answers_fails_with_a_message_to_try_again()
    {
        using var one = First.CreateClient();
        var location = await one.CreateAsync(10);
        foreach (var silo in Cluster.Silos)
        {
            await silo.KillAsync();
        }

        await using var watcher = await Watcher.ConnectAsync(Second.BaseAddress);
        var refused = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(IdOf(location)));

        // Said so that a client knows to call again, not "an unexpected error".
        Assert.Contains("Try again shortly", refused.Message);
    }

    private static string Endpoint(UploadService api) => new Uri(api.BaseAddress, "/api/uploads").ToString();

    private (string Path, byte[] Data) WriteFile(string name, int size)
    {
        var data = RandomBytes(size);
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, data);
        return (path, data);
    }

    /// <summary>Records every event whose offset is ahead of what the shared storage holds at that moment.</summary>
    private List<string> WatchForOffsetsAheadOfStorage(Watcher watcher)
    {
        var ahead = new List<string>();
        watcher.OnEvent = (_, status) =>
        {
            var stored = new FileInfo(First.StoredFile(status.Id));
            if (stored.Exists && status.BytesReceived > stored.Length)
            {
                lock (ahead)
                {
                    ahead.Add($"{status.BytesReceived} > {stored.Length}");
                }
            }
        };
        return ahead;
    }

    private static void AssertMonotonic(IReadOnlyList<(string Event, UploadStatusView Status)> events) =>
        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.Status.BytesReceived <= pair.Second.Status.BytesReceived),
            string.Join(", ", events.Select(e => $"{e.Event}:{e.Status.BytesReceived}")));
}

/// <summary>
/// Runs <see cref="ClusterTests"/> alone, after the classes that run side by side: each of its tests starts
/// six processes, and beside other classes on two cores it took half as long again (and so did they).
/// </summary>
[CollectionDefinition(ClusterTests.Name, DisableParallelization = true)]
public sealed class ClusterTestsAlone;
