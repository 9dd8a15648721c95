using System.Diagnostics;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Tells the grain about stored bytes for one request, at most once per interval. Each report starts
/// the store making what was written durable (an fsync, a part upload) and, beside the body, waits for
/// that and then tells the grain: it covers only what survives a crash, and the next read proceeds
/// meanwhile. A report is awaited before the next one or before the lease is let go.
/// </summary>
internal sealed class ProgressReporter(IUploadGrain grain, Guid leaseId, UploadAppendStream file, long start, TimeSpan interval, UploadCounters counters)
{
    private Task<WriteVerdict>? _inFlight;
    private long _lastReportAt = Stopwatch.GetTimestamp();

    private long _reported = start;

    /// <summary>The offset of the last report sent; after <see cref="SettleAsync"/> the grain has it.</summary>
    public long Reported => Interlocked.Read(ref _reported);

    /// <summary>A flush would make bytes durable that the grain has not heard of.</summary>
    public bool Unreported => file.Flushable > Reported;

    public bool Due => Unreported && Stopwatch.GetElapsedTime(_lastReportAt) >= interval;

    /// <summary>Starts a flush and, once it made the bytes durable, a report of them; true when the grain (earlier) said stop.</summary>
    public async Task<bool> ReportAsync(CancellationToken stopping)
    {
        var stop = await SettleAsync(stopping);
        await file.FlushAsync(CancellationToken.None);
        _lastReportAt = Stopwatch.GetTimestamp();
        _inFlight = ReportWhenDurableAsync();
        return stop;
    }

    private async Task<WriteVerdict> ReportWhenDurableAsync()
    {
        await file.WhenDurableAsync();
        var durable = file.Durable;
        if (durable <= Reported)
        {
            return WriteVerdict.Continue;
        }

        counters.CountReport();
        Interlocked.Exchange(ref _reported, durable);
        return await grain.ReportStoredAsync(leaseId, durable, CancellationToken.None);
    }

    /// <summary>
    /// Waits for the report in flight; true when the grain said stop, or when the writer was told to
    /// stop (<paramref name="stopping"/>) while waiting: a report lost with a dying silo is answered
    /// only at the call's timeout, and the grain's new activation has already said stop.
    /// </summary>
    public async Task<bool> SettleAsync(CancellationToken stopping)
    {
        if (_inFlight is not { } inFlight)
        {
            return false;
        }

        _inFlight = null;
        try
        {
            return await inFlight.WaitAsync(stopping) == WriteVerdict.Stop;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            _ = inFlight.ContinueWith(static abandoned => abandoned.Exception, TaskContinuationOptions.OnlyOnFaulted);
            return true;
        }
    }
}
