using System.Diagnostics;

namespace OrleansUploads.Bench;

/// <summary>
/// Waits for the service's JIT to finish what a warm-up gave it. Methods run per upload reach their
/// optimized tier only after about thirty calls, and the runtime compiles that tier in the background a
/// while later: measured any earlier, an upload pays for compiling the ones before it.
/// </summary>
public static class JitSettling
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Returns once the service compiled no method for a second, or after <paramref name="limit"/>.</summary>
    public static async Task WaitAsync(HttpClient client, ServerProcess service, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        var quietSince = Stopwatch.StartNew();
        var last = await CompiledMethodsAsync(client, service);
        while (quietSince.Elapsed < Quiet && waited.Elapsed < limit)
        {
            await Task.Delay(Poll);
            var now = await CompiledMethodsAsync(client, service);
            if (now != last)
            {
                (last, quietSince) = (now, Stopwatch.StartNew());
            }
        }
    }

    /// <summary>
    /// Repeats <paramref name="warmUp"/> until two in a row leave the service compiling next to nothing
    /// (or <paramref name="most"/> times). Code run per report while a body flows is called only a few
    /// times per upload, and each of its tiers wants some thirty calls: a fixed warm-up left a tenth of
    /// the service's CPU in the JIT during measured uploads of 256 MiB.
    /// </summary>
    /// <returns>How many times it ran.</returns>
    public static async Task<int> WarmUpAsync(HttpClient client, ServerProcess service, Func<Task> warmUp, int most)
    {
        const int Few = 5;
        var quietInARow = 0;
        var ran = 0;
        while (ran < most && quietInARow < 2)
        {
            var before = await CompiledMethodsAsync(client, service);
            await warmUp();
            ran++;
            await WaitAsync(client, service, TimeSpan.FromSeconds(10));
            quietInARow = await CompiledMethodsAsync(client, service) - before < Few ? quietInARow + 1 : 0;
        }

        return ran;
    }

    /// <summary>The runtime's count of compiled methods, from the service's Prometheus metrics.</summary>
    private static async Task<double> CompiledMethodsAsync(HttpClient client, ServerProcess service)
    {
        var metrics = await client.GetStringAsync(new Uri(service.BaseAddress, "/metrics"));
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("dotnet_jit_compiled_methods_total", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("The service's metrics have no dotnet_jit_compiled_methods_total.");
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
