using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace OrleansUploads.Tests.Bench;

/// <summary>
/// The benchmark is no part of the suite's verdicts (its figures need a quiet machine), but a tiny run
/// of every scenario is, so that the benchmark keeps working as the service changes.
/// </summary>
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    private static readonly string[] Scenarios = ["1.", "2.", "3.", "5.", "7.", "8.", "9.", "10.", "11."];

    [Fact]
    public async Task Every_benchmark_scenario_runs_at_a_tiny_scale()
    {
        var lines = new ConcurrentQueue<string>();
        await using var bench = ChildProcess.Start("dotnet", [RepositoryPaths.BenchAssembly, "--smoke"], Path.GetDirectoryName(RepositoryPaths.BenchAssembly), lines.Enqueue);

        await bench.Exited.WaitAsync(TimeSpan.FromMinutes(10));

        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        Assert.Equal(0, bench.ExitCode);
        Assert.All(Scenarios, scenario => Assert.Contains(lines, line => line.StartsWith($"| {scenario} ", StringComparison.Ordinal)));
    }
}
