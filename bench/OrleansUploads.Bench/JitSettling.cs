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

    /// <summary>The runtime's count of compiled methods, from the service's Prometheus metrics.</summary>
    private static async Task<double> CompiledMethodsAsync(HttpClient client, ServerProcess service)
    {
        var metrics = await client.GetStringAsync(new Uri(service.BaseAddress, "/metrics"));
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith("dotnet_jit_compiled_methods_total", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("The service's metrics have no dotnet_jit_compiled_methods_total.");
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
