using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>
/// Two API instances in front of one silo, sharing one store (a folder, Azure Blob storage or S3). A
/// writer on the first freezes mid-body (SIGSTOP, as a process hung on a disk would), loses its lease
/// to a writer on the second, and wakes up with more bytes to write: storage must refuse them.
/// </summary>
public sealed class StaleWriterTests
{
    [Theory]
    [MemberData(nameof(StoreUnderTest.Every), MemberType = typeof(StoreUnderTest))]
    public async Task A_writer_that_froze_and_lost_its_lease_cannot_write_over_the_one_that_took_over(string kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        await using var silo = await SiloProcess.StartAsync(null, "--Uploads:LeaseTakeoverTimeout=00:00:01");
        var instances = await Task.WhenAll(UploadService.StartClientAsync(silo, store.Settings), UploadService.StartClientAsync(silo, store.Settings));
        await using var first = instances[0];
        await using var second = instances[1];
        // The frozen writer has a block or part committed, and wakes with more bytes to store.
        var committedFirst = Math.Max(1 << 20, store.CommitUnit);
        var size = committedFirst + (6 << 20);
        using var client = second.CreateClient();
        var stale = RandomBytes(size);
        var real = RandomBytes(size);
        var location = await client.CreateAsync(size);
        await using var frozen = await StalledPatch.StartAsync(first.BaseAddress, location, 0, size, stale.AsMemory(0, committedFirst));
        await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.BytesReceived == committedFirst, TimeSpan.FromSeconds(20), "the first writer's bytes to be committed");

        await first.FreezeAsync();
        // What the frozen writer's client sends now waits in its socket for the process to wake.
        var more = frozen.SendAsync(stale.AsMemory(committedFirst, 2 << 20));
        var committed = await client.OffsetAsync(location);
        using var takeover = await client.PatchAsync(location, committed, real[(int)committed..]);
        Assert.Equal(HttpStatusCode.NoContent, takeover.StatusCode);
        await first.ThawAsync();
        try
        {
            await more;
        }
        catch (IOException)
        {
            // The woken server may answer and close before it took all of it; what counts is what storage kept.
        }

        // The woken writer hears that a newer one took over, as any superseded writer does.
        Assert.Equal(409, await frozen.StatusCodeAsync(TimeSpan.FromSeconds(30)));

        var expected = stale[..(int)committed].Concat(real[(int)committed..]).ToArray();
        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(expected)), (status.State, status.Sha256));
        var stored = await store.StoredBytesAsync(second, IdOf(location));
        Assert.True(expected.AsSpan().SequenceEqual(stored), "the stored bytes were written over");
        Assert.Equal(expected, await client.GetByteArrayAsync(location + "/content"));
    }

    [Fact]
    public async Task Only_a_writer_after_the_first_leaves_a_fence_record_beside_the_bytes()
    {
        await using var service = await UploadService.StartAsync();
        using var client = service.CreateClient();
        var files = Path.Combine(service.DataPath, "files");
        var whole = await client.CreateAsync(1000);
        using (var patch = await client.PatchAsync(whole, 0, RandomBytes(1000)))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }

        var resumed = await client.CreateAsync(1000);
        using (var first = await client.PatchAsync(resumed, 0, RandomBytes(400)))
        using (var second = await client.PatchAsync(resumed, 400, RandomBytes(600)))
        {
            Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, second.StatusCode));
        }

        // An upload written in one go costs the file system one new file; the second writer's lease is recorded.
        Assert.Equal(
            [IdOf(whole), IdOf(resumed), IdOf(resumed) + ".epoch"],
            Directory.EnumerateFiles(files).Select(Path.GetFileName).Where(name => !name!.StartsWith('.')).Order());
    }
}
