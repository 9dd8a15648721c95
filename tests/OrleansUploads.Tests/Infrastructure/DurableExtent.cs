using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// How much of a file, from its start, was on the disk itself at each moment, read from an strace of
/// its writer (<c>-f -ttt -T -y -s 0</c>, tracing <c>pwrite64</c>, <c>write</c>, <c>fsync</c> and
/// <c>fdatasync</c>): the bytes positioned writes had put in the file before an fsync of it began,
/// from the moment that fsync returned without error.
/// </summary>
public sealed partial class DurableExtent
{
    private readonly List<(DateTimeOffset At, long Length)> _steps = [];

    private DurableExtent(string path) => Path = path;

    public string Path { get; }

    /// <summary>The fsyncs that returned, each with the extent it made durable.</summary>
    public IReadOnlyList<(DateTimeOffset At, long Length)> Steps => _steps;

    /// <summary>The bytes from the file's start that an fsync returned at or before <paramref name="at"/> had put on the disk.</summary>
    public long At(DateTimeOffset at) => _steps.Where(s => s.At <= at).Select(s => s.Length).DefaultIfEmpty(0).Max();

    public static DurableExtent Parse(IEnumerable<string> trace, string path)
    {
        var extent = new DurableExtent(path);
        var writes = new List<(long Offset, long Length, DateTimeOffset Returned)>();
        var unfinished = new Dictionary<string, (DateTimeOffset Entered, string Call, string Arguments)>();
        foreach (var line in trace)
        {
            if (Unfinished().Match(line) is { Success: true } start)
            {
                unfinished[start.Groups["pid"].Value] = (Time(start.Groups["at"].Value), start.Groups["call"].Value, start.Groups["args"].Value);
                continue;
            }

            (DateTimeOffset Entered, string Call, string Arguments, string Result, double Seconds) call;
            if (Complete().Match(line) is { Success: true } whole)
            {
                call = (Time(whole.Groups["at"].Value), whole.Groups["call"].Value, whole.Groups["args"].Value, whole.Groups["result"].Value, Seconds(whole));
            }
            else if (Resumed().Match(line) is { Success: true } end && unfinished.Remove(end.Groups["pid"].Value, out var begun))
            {
                call = (begun.Entered, begun.Call, begun.Arguments + end.Groups["args"].Value, end.Groups["result"].Value, Seconds(end));
            }
            else
            {
                continue;
            }

            if (Descriptor().Match(call.Arguments) is not { Success: true } descriptor || descriptor.Groups["path"].Value != path)
            {
                continue;
            }

            var returned = call.Entered + TimeSpan.FromSeconds(call.Seconds);
            switch (call.Call)
            {
                case "pwrite64" when long.TryParse(call.Result, out var written) && written > 0:
                    writes.Add((long.Parse(call.Arguments.Split(", ")[^1], CultureInfo.InvariantCulture), written, returned));
                    break;
                case "fsync" or "fdatasync" when call.Result == "0":
                    extent._steps.Add((returned, Prefix(writes.Where(w => w.Returned <= call.Entered))));
                    break;
                case "write":
                    // Where a plain write lands depends on the file position, which the trace does not show.
                    throw new InvalidOperationException($"A plain write() to {path}: only positioned writes can be placed. {line}");
            }
        }

        return extent;
    }

    /// <summary>How far the writes cover the file from its start without a hole.</summary>
    private static long Prefix(IEnumerable<(long Offset, long Length, DateTimeOffset Returned)> writes)
    {
        long covered = 0;
        foreach (var (offset, length, _) in writes.OrderBy(w => w.Offset))
        {
            if (offset > covered)
            {
                break;
            }

            covered = Math.Max(covered, offset + length);
        }

        return covered;
    }

    private static DateTimeOffset Time(string epochSeconds) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(decimal.Parse(epochSeconds, CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));

    private static double Seconds(Match match) => double.Parse(match.Groups["seconds"].Value, CultureInfo.InvariantCulture);

    // 23</data/files/id>, ""..., 1048576, 0
    [GeneratedRegex(@"^\d+<(?<path>[^>]*)>")]
    private static partial Regex Descriptor();

    // 1234 1712345678.123456 fsync(23</data/files/id>) = 0 <0.001234>
    [GeneratedRegex(@"^(?<pid>\d+)\s+(?<at>\d+\.\d+) (?<call>\w+)\((?<args>.*)\) = (?<result>-?\d+).*<(?<seconds>\d+\.\d+)>$")]
    private static partial Regex Complete();

    // 1234 1712345678.123456 fsync(23</data/files/id> <unfinished ...>
    [GeneratedRegex(@"^(?<pid>\d+)\s+(?<at>\d+\.\d+) (?<call>\w+)\((?<args>.*) <unfinished \.\.\.>$")]
    private static partial Regex Unfinished();

    // 1234 1712345678.125000 <... fsync resumed>) = 0 <0.001234>
    [GeneratedRegex(@"^(?<pid>\d+)\s+(?<at>\d+\.\d+) <\.\.\. (?<call>\w+) resumed>(?<args>.*)\) = (?<result>-?\d+).*<(?<seconds>\d+\.\d+)>$")]
    private static partial Regex Resumed();
}
