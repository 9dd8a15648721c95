using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>
/// Two API instances in front of one silo, sharing the upload folder. A writer on the first freezes
/// mid-body (SIGSTOP, as a process hung on a disk would), loses its lease to a writer on the second,
/// and wakes up with more bytes to write: storage must refuse them.
/// </summary>
public sealed class StaleWriterTests : IAsyncLifetime
{
    private const int Size = 8 << 20;
    private SiloProcess? _silo;
    private UploadService? _first;
    private UploadService? _second;

    public async Task InitializeAsync()
    {
        _silo = await SiloProcess.StartAsync(null, "--Uploads:LeaseTakeoverTimeout=00:00:01");
        var instances = await Task.WhenAll(UploadService.StartClientAsync(_silo), UploadService.StartClientAsync(_silo));
        (_first, _second) = (instances[0], instances[1]);
    }

    [Fact]
    public async Task A_writer_that_froze_and_lost_its_lease_cannot_write_over_the_one_that_took_over()
    {
        using var client = _second!.CreateClient();
        var stale = RandomBytes(Size);
        var real = RandomBytes(Size);
        var location = await client.CreateAsync(Size);
        await using var frozen = await StalledPatch.StartAsync(_first!.BaseAddress, location, 0, Size, stale.AsMemory(0, 1 << 20));
        await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.BytesReceived == 1 << 20, TimeSpan.FromSeconds(20), "the first writer's bytes to be committed");

        await _first.FreezeAsync();
        // What the frozen writer's client sends now waits in its socket for the process to wake.
        var more = frozen.SendAsync(stale.AsMemory(1 << 20, 3 << 20));
        var committed = await client.OffsetAsync(location);
        using var takeover = await client.PatchAsync(location, committed, real[(int)committed..]);
        Assert.Equal(HttpStatusCode.NoContent, takeover.StatusCode);
        await _first.ThawAsync();
        await more;
        // The woken writer hears that a newer one took over, as any superseded writer does.
        Assert.Equal(409, await frozen.StatusCodeAsync(TimeSpan.FromSeconds(30)));

        var expected = stale[..(int)committed].Concat(real[(int)committed..]).ToArray();
        Assert.Equal(("completed", Sha256(expected)), ((await client.StatusAsync(location)).State, (await client.StatusAsync(location)).Sha256));
        var stored = await File.ReadAllBytesAsync(_second.StoredFile(IdOf(location)));
        Assert.True(expected.AsSpan().SequenceEqual(stored), "the stored file was written over");
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
}
