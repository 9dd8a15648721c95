namespace OrleansUploads.Bench;

/// <summary>How big each scenario is; <c>--quick</c> shrinks everything for a smoke run.</summary>
public sealed record BenchSettings(long LargeBytes, int Repetitions, int ConcurrentUploads, long SmallBytes, long MemoryBytes, int CancelRounds, int LatencyUploads, int PausedUploads)
{
    public static BenchSettings Full { get; } = new(1L << 30, 5, 1000, 1 << 20, 4L << 30, 30, 8, 100_000);

    public static BenchSettings Quick { get; } = new(128L << 20, 1, 100, 1 << 20, 512L << 20, 5, 2, 2_000);

    public override string ToString() =>
        $"large upload {LargeBytes >> 20} MiB x{Repetitions}, {ConcurrentUploads} concurrent uploads of {SmallBytes >> 20} MiB, " +
        $"memory upload {MemoryBytes >> 20} MiB, {CancelRounds} cancels, {LatencyUploads} paced uploads for latency, {PausedUploads} paused uploads";
}
