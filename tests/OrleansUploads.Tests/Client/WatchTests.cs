using OrleansUploads.Client;

namespace OrleansUploads.Tests.Client;

/// <summary><see cref="UploadsClient.WatchAsync"/>: server-confirmed statuses over the hub, through a service restart.</summary>
[Collection(ClientCollection.Name)]
public sealed class WatchTests(ClientServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_watch_sees_growing_offsets_and_ends_with_the_terminal_state()
    {
        var (path, bytes) = fixture.NewFile(1 << 20);
        using var client = fixture.NewClient(chunkSize: 64 << 10);
        using var upload = await client.StartFileUploadAsync(path, new UploadOptions { MaxBytesPerSecond = 2 << 20 });

        var seen = new List<UploadStatus>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = Task.Run(async () =>
        {
            await foreach (var status in client.WatchAsync(upload.Id))
            {
                seen.Add(status);
                first.TrySetResult();
            }
        });
        // Sent once the watch is heard, so that it cannot join after the last byte on a slow machine.
        await first.Task.WaitAsync(Patience);
        await upload.SendAsync().WaitAsync(Patience);
        await watching.WaitAsync(Patience);

        Assert.True(seen[0].BytesReceived < bytes.Length, "the watch began before the last byte");
        Assert.Contains(seen, s => s.BytesReceived > 0 && s.BytesReceived < bytes.Length);
        Assert.True(seen.Zip(seen.Skip(1)).All(pair => pair.First.BytesReceived <= pair.Second.BytesReceived && pair.First.Sequence <= pair.Second.Sequence),
            string.Join(", ", seen.Select(s => $"{s.Sequence}:{s.BytesReceived}")));
        Assert.Equal((UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (seen[^1].State, seen[^1].Sha256));
        Assert.Single(seen, s => s.State.IsTerminal());
    }

    [Fact]
    public async Task A_watch_reconnects_after_the_service_restarts_and_catches_up_on_what_happened_meanwhile()
    {
        await using var service = await UploadService.StartAsync();
        var (path, bytes) = fixture.NewFile(300_000);
        using var client = ClientServiceFixture.ClientOf(service);
        string id;
        using (var begun = await client.StartFileUploadAsync(path))
        {
            id = begun.Id;
        }

        var seen = new List<UploadStatus>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = Task.Run(async () =>
        {
            await foreach (var status in client.WatchAsync(id))
            {
                seen.Add(status);
                first.TrySetResult();
            }
        });
        await first.Task.WaitAsync(Patience);

        await service.KillAsync();
        await service.RestartAsync();
        // Sent while the watcher may still be reconnecting: its re-watch must bring the outcome.
        await client.UploadFileAsync(path, new UploadOptions { ResumeFrom = new Uri(client.Server, $"api/uploads/{id}") }).WaitAsync(Patience);
        await watching.WaitAsync(Patience);

        Assert.Equal(UploadState.Created, seen[0].State);
        Assert.Equal((UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (seen[^1].State, seen[^1].Sha256));
    }

    [Fact]
    public async Task A_watch_whose_upload_is_gone_after_a_reconnect_ends_with_not_found()
    {
        await using var service = await UploadService.StartAsync();
        using var client = ClientServiceFixture.ClientOf(service);
        string id;
        using (var begun = await client.StartFileUploadAsync(fixture.NewFile(1_000).Path))
        {
            id = begun.Id;
        }

        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watching = Task.Run(async () =>
        {
            await foreach (var _ in client.WatchAsync(id))
            {
                first.TrySetResult();
            }
        });
        await first.Task.WaitAsync(Patience);

        // A service restarted without its data (another store, a wiped disk) no longer knows the upload.
        await service.KillAsync();
        Directory.Delete(service.DataPath, recursive: true);
        await service.RestartAsync();
        var gone = await Assert.ThrowsAsync<UploadsException>(() => watching.WaitAsync(Patience));

        Assert.Equal(UploadsError.NotFound, gone.Error);
    }
}
