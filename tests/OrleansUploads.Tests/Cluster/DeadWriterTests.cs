using System.Diagnostics;
using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Cluster;

/// <summary>
/// Redis, one silo, two API instances. The instance writing an upload is killed while its request is
/// open and no other request comes: the grain notices its writer is gone, so the other instance shows
/// the upload paused at its committed offset, its watchers hear so, and the client resumes there.
/// </summary>
public sealed class DeadWriterTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Two seconds of silence, checked every second, and two for the question to go unanswered, then
    /// the status write, with room for a loaded machine; never the minutes of an upload left uploading.
    /// </summary>
    private static readonly TimeSpan PausedWithin = TimeSpan.FromSeconds(20);

    private UploadCluster? _cluster;

    private UploadCluster Cluster => _cluster!;

    // Short enough for a quick test; long enough that a live writer on a loaded machine reports, or
    // answers, in time.
    public async Task InitializeAsync() => _cluster = await UploadCluster.StartAsync(silos: 1, apis: 2,
        settings: ["--Uploads:WriterSilence=00:00:02", "--Uploads:LeaseTakeoverTimeout=00:00:02"]);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_upload_whose_writing_instance_is_killed_turns_paused_at_its_offset_and_resumes_through_the_other()
    {
        var (first, second) = (Cluster.Apis[0], Cluster.Apis[1]);
        using var two = second.CreateClient();
        var data = RandomBytes(1 << 20);
        var sent = 64 << 10;
        var location = await two.CreateAsync(data.Length);
        var id = IdOf(location);
        await using var watcher = await Watcher.ConnectAsync(second.BaseAddress);
        await watcher.WatchAsync(id);
        // A PATCH through the first instance whose client sends 64 KiB and then waits, keeping the request open.
        await using var patch = await StalledPatch.StartAsync(first.BaseAddress, location, 0, data.Length, data.AsMemory(0, sent));
        await Eventually.UntilAsync(() => two.StatusAsync(location), status => status.BytesReceived == sent, Patience, "the first part to be committed");

        await first.KillAsync();
        var killed = Stopwatch.StartNew();
        var paused = await Eventually.UntilAsync(() => two.StatusAsync(location), status => status.State != "uploading", PausedWithin, "the upload to stop showing a writer");
        var pausedAfter = killed.Elapsed;

        Assert.Equal(("paused", (long)sent, 0d, (double?)null), (paused.State, paused.BytesReceived, paused.BytesPerSecond, paused.EtaSeconds));
        Assert.True(pausedAfter < PausedWithin, $"The upload showed paused only {pausedAfter.TotalSeconds:F1} s after its writer died.");
        using var head = await two.SendAsync(Tus(HttpMethod.Head, location));
        Assert.Equal(("paused", sent.ToString()), (head.Headers.GetValues("Upload-State").Single(), head.Headers.GetValues("Upload-Offset").Single()));
        var heard = await watcher.NextAsync("UploadProgress", id, Patience, status => status.State == "paused");
        Assert.Equal(sent, heard.BytesReceived);

        using var resume = await two.PatchAsync(location, sent, data[sent..]);
        Assert.Equal(HttpStatusCode.NoContent, resume.StatusCode);
        var completed = await watcher.NextAsync("UploadCompleted", id, Patience);
        Assert.Equal(((long)data.Length, Sha256(data)), (completed.BytesReceived, completed.Sha256));
        Assert.Equal(data, await File.ReadAllBytesAsync(second.StoredFile(id)));
    }
}
