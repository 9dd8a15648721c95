namespace OrleansUploads.Bench;

/// <summary>How big each scenario is; <c>--quick</c> shrinks everything, <c>--smoke</c> runs each scenario once at a tiny scale to show it still works.</summary>
public sealed record BenchSettings(long LargeBytes, int Repetitions, int ConcurrentUploads, long SmallBytes, long MemoryBytes, int CancelRounds, int LatencyUploads, int PausedUploads)
{
    public static BenchSettings Full { get; } = new(1L << 30, 5, 1000, 1 << 20, 4L << 30, 30, 8, 100_000);

    public static BenchSettings Quick { get; } = new(128L << 20, 1, 100, 1 << 20, 512L << 20, 5, 2, 2_000);

    public static BenchSettings Smoke { get; } = new(16L << 20, 1, 20, 1 << 20, 64L << 20, 2, 1, 200) { IsSmoke = true };

    /// <summary>A smoke run's figures mean nothing, so it measures each once.</summary>
    public bool IsSmoke { get; private init; }

    /// <summary>How many interleaved rounds a comparison runs: at least <paramref name="atLeast"/>, so its median means something.</summary>
    public int Rounds(int atLeast) => IsSmoke ? 1 : Math.Max(Repetitions, atLeast);

    public override string ToString() =>
        $"large upload {LargeBytes >> 20} MiB x{Repetitions}, {ConcurrentUploads} concurrent uploads of {SmallBytes >> 20} MiB, " +
        $"memory upload {MemoryBytes >> 20} MiB, {CancelRounds} cancels, {LatencyUploads} paced uploads for latency, {PausedUploads} paused uploads";
}
