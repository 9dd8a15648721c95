using OrleansUploads.Client;

namespace OrleansUploads.Tests.Client;

/// <summary>The client's plain JSON operations: status, the list of unfinished uploads, cancel, and a download that continues a partial file.</summary>
[Collection(ClientCollection.Name)]
public sealed class StatusListCancelDownloadTests(ClientServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Cancel_ends_the_upload_for_watchers_and_senders()
    {
        var (path, _) = fixture.NewFile(100_000);
        using var client = fixture.NewClient();
        using var upload = await client.StartFileUploadAsync(path);

        var cancelled = await client.CancelAsync(upload.Id);
        var watched = await client.WatchAsync(upload.Id).ToListAsync().AsTask().WaitAsync(Patience);
        var sending = await Assert.ThrowsAsync<UploadsException>(() => upload.SendAsync());

        Assert.Equal(UploadState.Cancelled, cancelled.State);
        Assert.Equal(UploadState.Cancelled, Assert.Single(watched).State);
        Assert.Equal((UploadsError.Failed, System.Net.HttpStatusCode.Gone), (sending.Error, sending.StatusCode));
        Assert.Equal(UploadState.Cancelled, (await client.GetStatusAsync(upload.Id)).State);
    }

    [Fact]
    public async Task List_follows_the_pages_of_unfinished_uploads_and_drops_cancelled_ones()
    {
        using var client = fixture.NewClient();
        var ids = new List<string>();
        foreach (var length in new[] { 10, 20, 30 })
        {
            using var upload = await client.StartFileUploadAsync(fixture.NewFile(length).Path);
            ids.Add(upload.Id);
        }

        await client.CancelAsync(ids[1]);
        var listed = await client.ListAsync(pageSize: 1).Select(s => s.Id).ToListAsync();

        Assert.Contains(ids[0], listed);
        Assert.Contains(ids[2], listed);
        Assert.DoesNotContain(ids[1], listed);
        Assert.True(listed.IndexOf(ids[0]) < listed.IndexOf(ids[2]), "oldest first");
    }

    [Fact]
    public async Task A_download_continues_a_partial_local_file_with_a_range()
    {
        var (path, bytes) = fixture.NewFile(500_000);
        using var client = fixture.NewClient();
        var status = await client.UploadFileAsync(path).WaitAsync(Patience);
        var copy = fixture.NewPath(".copy");
        // What an interrupted download leaves: the bytes so far, beside the file it will become.
        await File.WriteAllBytesAsync(DownloadTarget.PartialOf(copy), bytes[..123_456]);

        var saved = await client.DownloadAsync(status.Id, copy);

        Assert.Equal((123_456L, (long)bytes.Length), (saved.ResumedFrom, saved.Length));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(copy));
        Assert.False(File.Exists(DownloadTarget.PartialOf(copy)));
    }

    [Fact]
    public async Task A_download_replaces_an_unrelated_file_at_its_path_instead_of_appending_to_it()
    {
        var (path, bytes) = fixture.NewFile(300_000);
        using var client = fixture.NewClient();
        var status = await client.UploadFileAsync(path).WaitAsync(Patience);
        var copy = fixture.NewPath(".txt");
        await File.WriteAllTextAsync(copy, "someone's notes, shorter than the upload");

        var saved = await client.DownloadAsync(status.Id, copy);

        Assert.Equal((0L, (long)bytes.Length), (saved.ResumedFrom, saved.Length));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(copy));
    }

    [Fact]
    public async Task A_partial_download_that_does_not_match_the_recorded_sha256_is_refused_and_dropped()
    {
        var (path, bytes) = fixture.NewFile(200_000);
        using var client = fixture.NewClient();
        var status = await client.UploadFileAsync(path).WaitAsync(Patience);
        var copy = fixture.NewPath(".copy");
        var damaged = bytes[..50_000];
        damaged[10] ^= 0xFF;
        await File.WriteAllBytesAsync(DownloadTarget.PartialOf(copy), damaged);

        var refused = await Assert.ThrowsAsync<UploadsException>(() => client.DownloadAsync(status.Id, copy));
        var leftAfterRefusal = (File.Exists(copy), File.Exists(DownloadTarget.PartialOf(copy)));
        var again = await client.DownloadAsync(status.Id, copy);

        Assert.Equal(UploadsError.Failed, refused.Error);
        Assert.Equal((false, false), leftAfterRefusal);
        Assert.Equal(0, again.ResumedFrom);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(copy));
    }

    [Fact]
    public async Task Unknown_ids_are_not_found_for_status_watch_and_download()
    {
        using var client = fixture.NewClient();
        var unknown = Guid.NewGuid().ToString("N");

        var status = await Assert.ThrowsAsync<UploadsException>(() => client.GetStatusAsync(unknown));
        var watch = await Assert.ThrowsAsync<UploadsException>(() => client.WatchAsync(unknown).ToListAsync().AsTask());
        var download = await Assert.ThrowsAsync<UploadsException>(() => client.DownloadAsync(unknown, fixture.NewPath()));

        Assert.All([status, watch, download], e => Assert.Equal(UploadsError.NotFound, e.Error));
    }

    [Fact]
    public async Task An_unreachable_service_is_reported_as_such()
    {
        using var client = new UploadsClient(new UploadsClientOptions { Server = new Uri($"http://127.0.0.1:{FreePort.Next()}") });

        var status = await Assert.ThrowsAsync<UploadsException>(() => client.GetStatusAsync(Guid.NewGuid().ToString("N")));
        var send = await Assert.ThrowsAsync<UploadsException>(() => client.UploadFileAsync(fixture.NewFile(10).Path));

        Assert.All([status, send], e => Assert.Equal(UploadsError.Unreachable, e.Error));
    }
}
