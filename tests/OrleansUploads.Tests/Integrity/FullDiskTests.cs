using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>The upload bytes' disk fills up mid-body or turns read-only, then recovers.</summary>
public sealed class FullDiskTests : IAsyncLifetime
{
    private readonly string _dataPath = DataFolder.New();
    private TmpfsVolume? _disk;
    private UploadService? _service;

    private string Filler => Path.Combine(_disk!.Path, "filler");

    public async Task InitializeAsync()
    {
        _disk = await TmpfsVolume.MountAsync(Path.Combine(_dataPath, "files"), 12 << 20);
        await File.WriteAllBytesAsync(Filler, new byte[8 << 20]);
        _service = await UploadService.StartInAsync(_dataPath);
    }

    [Fact]
    public async Task A_full_disk_answers_507_keeps_what_was_committed_and_the_upload_resumes_when_space_returns()
    {
        using var client = _service!.CreateClient();
        var data = RandomBytes(8 << 20);
        var location = await client.CreateAsync(data.Length);

        using var full = await PatchUnlessResetAsync(client, location, data);

        if (full is not null)
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, full.StatusCode);
            Assert.Contains("full", await full.Content.ReadAsStringAsync());
        }

        var offset = full is not null ? long.Parse(full.Headers.GetValues("Upload-Offset").Single()) : await client.OffsetAsync(location);
        // About 4 MiB were free: the whole blocks the disk took before it filled are kept, not thrown away.
        Assert.True(offset >= 3 << 20, $"only {offset} bytes kept of the 4 MiB the disk had room for");
        Assert.Equal(offset, await client.OffsetAsync(location));
        Assert.Equal("paused", (await client.StatusAsync(location)).State);
        var stored = await File.ReadAllBytesAsync(_service.StoredFile(IdOf(location)));
        Assert.True(stored.Length >= offset && stored.AsSpan(0, (int)offset).SequenceEqual(data.AsSpan(0, (int)offset)), $"{stored.Length} stored, {offset} committed");

        File.Delete(Filler);
        using var resumed = await client.PatchAsync(location, offset, data[(int)offset..]);

        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        Assert.Equal(data, await File.ReadAllBytesAsync(_service.StoredFile(IdOf(location))));
    }

    [Fact]
    public async Task A_read_only_disk_answers_507_and_the_upload_resumes_once_it_is_writable()
    {
        using var client = _service!.CreateClient();
        var data = RandomBytes(2 << 20);
        var location = await client.CreateAsync(data.Length);
        using (await client.PatchAsync(location, 0, data[..(1 << 20)]))
        {
        }

        await _disk!.ReadOnlyAsync(true);
        HttpResponseMessage refused;
        try
        {
            refused = await client.PatchAsync(location, 1 << 20, data[(1 << 20)..]);
        }
        finally
        {
            await _disk.ReadOnlyAsync(false);
        }

        Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
        Assert.Contains("read-only", await refused.Content.ReadAsStringAsync());
        Assert.Equal((1L << 20).ToString(), refused.Headers.GetValues("Upload-Offset").Single());
        Assert.Equal(("paused", 1L << 20), ((await client.StatusAsync(location)).State, (await client.StatusAsync(location)).BytesReceived));
        using var resumed = await client.PatchAsync(location, 1 << 20, data[(1 << 20)..]);
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        Assert.Equal(data, await File.ReadAllBytesAsync(_service.StoredFile(IdOf(location))));
    }

    /// <summary>
    /// The service stops reading a body once the disk is full and answers at once; while the client is
    /// still sending the rest, the connection may be reset before the client reads that answer. A tus
    /// client then asks HEAD where to resume, as the test does; null stands for that.
    /// </summary>
    private static async Task<HttpResponseMessage?> PatchUnlessResetAsync(HttpClient client, string location, byte[] data)
    {
        try
        {
            return await client.PatchAsync(location, 0, data);
        }
        catch (HttpRequestException exception) when (exception.InnerException is IOException)
        {
            return null;
        }
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_disk is not null)
        {
            await _disk.DisposeAsync();
        }

        DataFolder.Delete(_dataPath);
    }
}
