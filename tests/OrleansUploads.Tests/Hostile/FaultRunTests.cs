using System.Diagnostics;
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
    /// <summary>Steps between kills: a kill lands every few uploads, so a longer run has proportionally more.</summary>
    private const int KillEvery = 15;

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
        var run = new FaultRun(service, seed, killEvery: KillEvery);
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, count).Select(run.UploadAsync));
        await run.KillsDoneAsync();
        output.WriteLine($"{run.Kills} kills (one every {KillEvery} steps); {run.Sources.Count} uploads created; {run.Actions} steps taken; {clock.Elapsed:m\\:ss} so far.");
        Assert.True(run.Kills > 0, "the service was never killed");
        // Any look at an upload completes it when all its bytes are stored (by design), so which ones the
        // run left that way shows only afterwards: their completion is later than the run's end.
        var ended = DateTimeOffset.UtcNow;
        var outcomes = new List<Outcome>();
        using var client = service.CreateClient();
        foreach (var (location, source) in run.Sources)
        {
            outcomes.Add(await VerifyAsync(client, service, location, source, ended));
        }

        output.WriteLine($"{outcomes.Count(o => o == Outcome.Completed)} completed during the run, " +
            $"{outcomes.Count(o => o == Outcome.AllStored)} held every byte without being completed at its end (the first look completed them), " +
            $"{outcomes.Count(o => o == Outcome.Resumed)} resumed and completed afterwards; {clock.Elapsed:m\\:ss} in all.");
    }

    private static async Task<Outcome> VerifyAsync(HttpClient client, UploadService service, string location, byte[] source, DateTimeOffset ended)
    {
        var offset = await client.OffsetAsync(location);
        var status = await client.StatusAsync(location);
        var stored = await File.ReadAllBytesAsync(service.StoredFile(IdOf(location)));
        if (status.State == "completed")
        {
            Assert.Equal(Sha256(source), status.Sha256);
            Assert.True(stored.AsSpan().SequenceEqual(source), $"{location}: completed but the stored file differs");
            return status.CompletedAt >= ended ? Outcome.AllStored : Outcome.Completed;
        }

        Assert.True(offset < source.Length, $"{location}: offset {offset} == length without completing ({status.State})");
        Assert.True(stored.Length >= offset && stored.AsSpan(0, (int)offset).SequenceEqual(source.AsSpan(0, (int)offset)),
            $"{location}: offset {offset}, but the stored bytes ({stored.Length}) are not a prefix of the source");
        using var rest = await client.PatchAsync(location, offset, source[(int)offset..]);
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        Assert.Equal(("completed", Sha256(source)), ((await client.StatusAsync(location)).State, (await client.StatusAsync(location)).Sha256));
        Assert.True((await File.ReadAllBytesAsync(service.StoredFile(IdOf(location)))).AsSpan().SequenceEqual(source), $"{location}: resumed file differs");
        return Outcome.Resumed;
    }

    private enum Outcome
    {
        /// <summary>Completed while the run went on.</summary>
        Completed,

        /// <summary>Every byte stored at the run's end, yet not completed: the verification's first look completed it.</summary>
        AllStored,

        /// <summary>Left short of its length; sending the rest completed it.</summary>
        Resumed,
    }
}
