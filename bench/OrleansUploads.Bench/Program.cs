using System.Diagnostics;
using OrleansUploads.Bench;
using OrleansUploads.Testing;

if (args is [BareEndpoint.Mode, var port, var folder])
{
    await BareEndpoint.RunAsync(int.Parse(port), folder, int.TryParse(Environment.GetEnvironmentVariable("BARE_WRITE_SIZE"), out var size) ? size : BareEndpoint.DefaultWriteSize);
    return;
}

// The peers measured against, and the storage emulator, come from npm, installed on first use.
foreach (var peers in new[] { RepositoryPaths.BenchNode, RepositoryPaths.Interop }.Where(f => !Directory.Exists(Path.Combine(f, "node_modules"))))
{
    using var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = peers })!;
    await npm.WaitForExitAsync();
}

// Long runs: servers started here may live as long as the whole benchmark.
ChildProcess.Lifetime = TimeSpan.FromHours(2);
var settings = args.Contains("--smoke") ? BenchSettings.Smoke : args.Contains("--quick") ? BenchSettings.Quick : BenchSettings.Full;
var draft = settings != BenchSettings.Full;
if (!settings.IsSmoke)
{
    // Measured servers compile their code as they would in production; only a smoke run, whose
    // figures mean nothing, spares the test suite's CPU as the tests' own services do.
    ChildProcess.RecompilationDelay = null;
}

var report = new Report();
var clock = Stopwatch.StartNew();
Console.WriteLine($"OrleansUploads benchmarks: {settings}");
// --only=N runs one scenario group (1: single upload and grain cost, 2: many uploads, 3: latencies, 5: memory,
// 7: object storage, 8: one upload with curl and HttpClient against the bare endpoint,
// 9: cost growth with uploads at once, which also draws bench/cost-growth.png, 10: paused uploads,
// 11: a thousand uploads at once, both ways a tus client sends a file), for profiling; only a full run writes BENCHMARKS.md.
var only = args.FirstOrDefault(a => a.StartsWith("--only="))?["--only=".Length..];
if (only is null or "1") { await SingleUploadScenario.RunAsync(settings, report); }
if (only is null or "2") { await ManyUploadsScenario.RunAsync(settings, report); }
if (only is null or "11") { await ThousandAtOnceScenario.RunAsync(settings, report); }
if (only is null or "3") { await LatencyScenarios.RunAsync(settings, report); }
if (only is null or "5") { await MemoryScenario.RunAsync(settings, report); }
if (only is null or "7") { await ObjectStoreScenario.RunAsync(settings, report); }
if (only is null or "8") { await ThroughputScenario.RunAsync(settings, report); }
if (only is null or "10") { await PausedUploadsScenario.RunAsync(settings, report); }
if (only is null or "9") { await CostGrowthScenario.RunAsync(settings, report, draft ? null : Path.Combine(RepositoryPaths.Root, "bench", "cost-growth.png")); }

var markdown = report.ToMarkdown(clock.Elapsed, settings.ToString());
Console.WriteLine();
Console.WriteLine(markdown);
if (!draft && only is null)
{
    await File.WriteAllTextAsync(Path.Combine(RepositoryPaths.Root, "BENCHMARKS.md"), markdown);
}
