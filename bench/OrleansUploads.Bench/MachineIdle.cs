namespace OrleansUploads.Bench;

/// <summary>
/// How much of the machine's processor time went unused (idle or waiting for the disk) over a stretch,
/// from <c>/proc/stat</c>. A server that leaves the processors idle while its uploads wait is held by
/// something other than its own work: a side at full speed leaves next to nothing.
/// </summary>
public sealed class MachineIdle
{
    private readonly (long Idle, long Total) _start = Read();

    /// <summary>The share of processor time unused since this was made, from 0 to 1.</summary>
    public double Share()
    {
        var (idle, total) = Read();
        return total == _start.Total ? 0 : (double)(idle - _start.Idle) / (total - _start.Total);
    }

    private static (long Idle, long Total) Read()
    {
        // The first line sums every processor: user, nice, system, idle, iowait, irq, softirq, steal, ...
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return (ticks[3] + ticks[4], ticks.Sum());
    }
}
