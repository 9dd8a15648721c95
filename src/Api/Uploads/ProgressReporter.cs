using System.Diagnostics;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Tells the grain about stored bytes for one request, at most once per interval. Each report is
/// flushed to storage first and then sent without holding up the body: the next read proceeds while
/// the grain persists, and the report is awaited before the next one or before the lease is let go.
/// </summary>
internal sealed class ProgressReporter(IUploadGrain grain, Guid leaseId, Stream file, long start, TimeSpan interval, UploadCounters counters)
{
    private Task<WriteVerdict>? _inFlight;
    private long _lastReportAt = Stopwatch.GetTimestamp();

    /// <summary>The offset of the last report sent; after <see cref="SettleAsync"/> the grain has it.</summary>
    public long Reported { get; private set; } = start;

    public bool Due(long position) => position > Reported && Stopwatch.GetElapsedTime(_lastReportAt) >= interval;

    /// <summary>Sends a report of <paramref name="position"/>; true when the grain (earlier) said stop.</summary>
    public async Task<bool> ReportAsync(long position)
    {
        var stop = await SettleAsync();
        await file.FlushAsync(CancellationToken.None);
        counters.CountReport();
        _inFlight = grain.ReportStoredAsync(leaseId, position, CancellationToken.None);
        Reported = position;
        _lastReportAt = Stopwatch.GetTimestamp();
        return stop;
    }

    /// <summary>Waits for the report in flight; true when the grain said stop.</summary>
    public async Task<bool> SettleAsync()
    {
        if (_inFlight is not { } inFlight)
        {
            return false;
        }

        _inFlight = null;
        return await inFlight == WriteVerdict.Stop;
    }
}
