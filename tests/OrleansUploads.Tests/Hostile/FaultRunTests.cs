using System.Net;
using OrleansUploads.Tests.Infrastructure;
using Xunit.Abstractions;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Hostile;

/// <summary>
/// Many uploads at once over a real Kestrel with random drops mid-body and after the last byte,
/// takeovers of stalled writers, concurrent PATCHes and SIGKILLs of the service. Afterwards every upload
/// is completed and byte-identical, or resumable from an offset whose bytes are a prefix of the source
/// (and then finishes byte-identical). Seeded: the seed is printed, and FAULT_RUN_SEED repeats a run;
/// FAULT_RUN_UPLOADS sets its size (the README's long run uses 200).
/// </summary>
public sealed class FaultRunTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Uploads_under_random_drops_takeovers_and_kills_end_whole_or_resumable()
    {
        var count = int.TryParse(Environment.GetEnvironmentVariable("FAULT_RUN_UPLOADS"), out var uploads) ? uploads : 40;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FAULT_RUN_SEED"), out var given) ? given : Random.Shared.Next();
        output.WriteLine($"Fault run of {count} uploads with seed {seed} (FAULT_RUN_SEED={seed} repeats it).");
        // One test client plays every user, so the per-client limits are raised out of its way.
        await using var service = await UploadService.StartAsync(
            "--Uploads:LeaseTakeoverTimeout=00:00:01", "--Limits:MaxActiveUploadsPerOwner=100000", "--Limits:RequestsPerWindow=1000000");
        var run = new FaultRun(service, seed, killEvery: Math.Max(10, count / 2));

        await Task.WhenAll(Enumerable.Range(0, count).Select(run.UploadAsync));
        await run.KillsDoneAsync();
        output.WriteLine($"{run.Kills} kills; {run.Sources.Count} uploads created; {run.Actions} requests sent.");
        Assert.True(run.Kills > 0, "the service was never killed");
        var resumed = 0;
        using var client = service.CreateClient();
        foreach (var (location, source) in run.Sources)
        {
            resumed += await VerifyAsync(client, service, location, source) ? 1 : 0;
        }

        output.WriteLine($"{run.Sources.Count - resumed} completed during the run, {resumed} resumed and completed afterwards.");
    }

    /// <returns>True when the upload had to be resumed to complete.</returns>
    private static async Task<bool> VerifyAsync(HttpClient client, UploadService service, string location, byte[] source)
    {
        var offset = await client.OffsetAsync(location);
        var status = await client.StatusAsync(location);
        var stored = await File.ReadAllBytesAsync(service.StoredFile(IdOf(location)));
        if (status.State == "completed")
        {
            Assert.Equal(Sha256(source), status.Sha256);
            Assert.True(stored.AsSpan().SequenceEqual(source), $"{location}: completed but the stored file differs");
            return false;
        }

        Assert.True(offset < source.Length, $"{location}: offset {offset} == length without completing ({status.State})");
        Assert.True(stored.Length >= offset && stored.AsSpan(0, (int)offset).SequenceEqual(source.AsSpan(0, (int)offset)),
            $"{location}: offset {offset}, but the stored bytes ({stored.Length}) are not a prefix of the source");
        using var rest = await client.PatchAsync(location, offset, source[(int)offset..]);
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        Assert.Equal(("completed", Sha256(source)), ((await client.StatusAsync(location)).State, (await client.StatusAsync(location)).Sha256));
        Assert.True((await File.ReadAllBytesAsync(service.StoredFile(IdOf(location)))).AsSpan().SequenceEqual(source), $"{location}: resumed file differs");
        return true;
    }
}
