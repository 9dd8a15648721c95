using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace OrleansUploads.Bench;

/// <summary>One line of the results: a figure, the goal it is held to, and whether it met it.</summary>
public sealed record Result(string Scenario, string Measure, string Value, string Goal = "", bool? Met = null);

public sealed class Report
{
    private readonly List<Result> _results = [];

    public void Add(Result result)
    {
        _results.Add(result);
        Console.WriteLine($"  {result.Scenario} | {result.Measure}: {result.Value} {(result.Goal.Length > 0 ? $"(goal {result.Goal}: {Verdict(result)})" : "")}");
    }

    public string ToMarkdown(TimeSpan duration, string settings)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmarks").AppendLine();
        text.AppendLine("Produced by `dotnet run -c Release --project bench/OrleansUploads.Bench`; every speed is a ratio to a");
        text.AppendLine("baseline measured in the same run, because the machines this runs on are shared and noisy.").AppendLine();
        text.AppendLine($"- Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {MemoryGiB()} GiB memory, {RuntimeInformation.OSDescription}");
        text.AppendLine($"- Runtime: .NET {Environment.Version}; run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, took {duration.TotalMinutes:0.0} minutes; {settings}").AppendLine();
        text.AppendLine("| Scenario | Measure | Value | Goal | Met |").AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var result in _results)
        {
            text.AppendLine($"| {result.Scenario} | {result.Measure} | {result.Value} | {result.Goal} | {Verdict(result)} |");
        }

        return text.ToString();
    }

    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Number(double value, string unit) => $"{value.ToString("0.#", CultureInfo.InvariantCulture)} {unit}";

    private static string Verdict(Result result) => result.Met switch { true => "yes", false => "**no**", null => "" };

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

    private static long MemoryGiB() =>
        long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) >> 20;
}
