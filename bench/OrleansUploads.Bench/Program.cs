using System.Diagnostics;
using OrleansUploads.Bench;

if (args is [BareEndpoint.Mode, var port, var folder])
{
    await BareEndpoint.RunAsync(int.Parse(port), folder);
    return;
}

if (!Directory.Exists(Path.Combine(BenchPaths.Node, "node_modules")))
{
    // The peers measured against come from npm, installed on first use.
    using var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = BenchPaths.Node })!;
    await npm.WaitForExitAsync();
}

var settings = args.Contains("--quick") ? BenchSettings.Quick : BenchSettings.Full;
var report = new Report();
var clock = Stopwatch.StartNew();
Console.WriteLine($"OrleansUploads benchmarks: {settings}");
await SingleUploadScenario.RunAsync(settings, report);
await ManyUploadsScenario.RunAsync(settings, report);
await LatencyScenarios.RunAsync(settings, report);
await MemoryScenario.RunAsync(settings, report);

var markdown = report.ToMarkdown(clock.Elapsed, settings.ToString());
Console.WriteLine();
Console.WriteLine(markdown);
if (!args.Contains("--quick"))
{
    await File.WriteAllTextAsync(Path.Combine(BenchPaths.Root, "BENCHMARKS.md"), markdown);
}
