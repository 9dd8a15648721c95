using System.Diagnostics;
using static OrleansUploads.Bench.Report;
using static OrleansUploads.Bench.Transfers;

namespace OrleansUploads.Bench;

/// <summary>
/// Scenario 11: a thousand uploads of 1 MiB at once, the two ways a tus client sends a whole file
/// (creation-with-upload, and POST then PATCH), against the bare endpoint taking the same bytes as
/// plain POSTs, and against the bare endpoint hashing them too (no baseline of the goal: it shows how
/// much of the gap is the SHA-256 the service keeps of every file). Rounds are interleaved, so a slow stretch of the machine falls on every side; each
/// side's aggregate throughput is the median of its rounds, and the time per upload is over all rounds.
/// </summary>
public static class ThousandAtOnceScenario
{
    public static async Task RunAsync(BenchSettings settings, Report report)
    {
        await using var bare = await ServerProcess.StartBareEndpointAsync();
        await using var ours = await ServerProcess.StartServiceAsync();
        using var client = NewClient();
        var endpoint = new Uri(ours.BaseAddress, "/api/uploads");
        var count = settings.ConcurrentUploads;
        var size = settings.SmallBytes;
        var sides = new Side[]
        {
            new("bare endpoint, one POST", bare, () => PostAsync(client, bare.BaseAddress, size)),
            new("bare endpoint + SHA-256, one POST", bare, () => PostAsync(client, bare.BaseAddress, size, "/bare-sha256")),
            new("OrleansUploads, creation-with-upload", ours, () => TusCreateWithUploadAsync(client, endpoint, size)),
            new("OrleansUploads, POST then PATCH", ours, () => TusUploadAsync(client, endpoint, size)),
        };

        // Warm-up rounds of every side until the service's JIT is still, so no side pays for the JIT or
        // first activations in what is measured: the service brings some ten thousand methods to their
        // optimized tier over its first ten thousand uploads or so.
        var warmUps = await JitSettling.WarmUpAsync(client, ours, async () =>
        {
            foreach (var side in sides)
            {
                await side.RoundAsync(count);
                SingleUploadScenario.Clear(side.Server);
            }
        }, settings.IsSmoke ? 1 : 12);
        Console.WriteLine($"  warmed up with {warmUps} rounds of each side");
        foreach (var side in sides)
        {
            side.Clear();
        }

        var rounds = settings.Rounds(atLeast: 5);
        for (var round = 0; round < rounds; round++)
        {
            for (var step = 0; step < sides.Length; step++)
            {
                var side = sides[(round + step) % sides.Length];
                var cpuBefore = side.Server.CpuSeconds;
                var idle = new MachineIdle();
                side.Rates.Add(MegabytesPerSecond(count * size, await side.RoundAsync(count)));
                side.Idle.Add(idle.Share() * 100);
                side.CpuPerUpload.Add((side.Server.CpuSeconds - cpuBefore) * 1000 / count);
                SingleUploadScenario.Clear(side.Server);
            }
        }

        var scenario = $"11. {count} uploads of {size >> 20} MiB at once, {rounds} interleaved rounds";
        // Hashing is more work: the faster of the two bare endpoints is the baseline, so a slow stretch
        // of the plain one never flatters the service.
        var bareRate = Math.Max(Median(sides[0].Rates), Median(sides[1].Rates));
        foreach (var side in sides)
        {
            report.Add(new(scenario, $"{side.Name}: aggregate (median), per upload p50 / p99, server CPU per upload, machine idle, failed",
                $"{Number(Median(side.Rates), "MB/s")}, {Number(Median(side.Durations), "ms")} / {Number(Percentile(side.Durations, 99), "ms")}, {Number(Median(side.CpuPerUpload), "ms")}, {Number(Median(side.Idle), "%")}, {side.Errors}",
                "0 failed", side.Errors == 0));
        }

        var hashingRate = Median(sides[1].Rates);
        // The service computes every upload's SHA-256: what hashing alone leaves of the baseline, before any tracking.
        report.Add(new(scenario, "bare + SHA-256 / bare (the faster bare endpoint): the SHA-256 alone", Ratio(hashingRate / bareRate)));
        foreach (var side in sides[2..])
        {
            var ratio = Median(side.Rates) / bareRate;
            report.Add(new(scenario, $"{side.Name} / bare (the faster bare endpoint)", Ratio(ratio), ">= 0.80", ratio >= 0.80));
            report.Add(new(scenario, $"{side.Name} / (bare + SHA-256)", Ratio(Median(side.Rates) / hashingRate)));
        }
    }

    private sealed class Side(string name, ServerProcess server, Func<Task> upload)
    {
        public string Name => name;

        public ServerProcess Server => server;

        public List<double> Rates { get; } = [];

        public List<double> CpuPerUpload { get; } = [];

        /// <summary>Percent of the machine's processor time unused during each round.</summary>
        public List<double> Idle { get; } = [];

        public List<double> Durations { get; private set; } = [];

        private int _errors;

        public int Errors => _errors;

        /// <summary>Forgets the warm-up round's figures.</summary>
        public void Clear() => (Durations, _errors) = ([], 0);

        public async Task<TimeSpan> RoundAsync(int count)
        {
            var durations = new double[count];
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await upload();
                }
                catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    Interlocked.Increment(ref _errors);
                }

                durations[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }));
            var elapsed = clock.Elapsed;
            Durations.AddRange(durations);
            return elapsed;
        }
    }
}
