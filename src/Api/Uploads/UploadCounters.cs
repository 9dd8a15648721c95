using System.Diagnostics.Metrics;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// What this API instance has done since it started: the <see cref="MeterName"/> meter's instruments,
/// named after tusd's where they mean the same (exported at <c>/metrics</c>), and the figures of
/// <c>GET /api/diagnostics</c>.
/// </summary>
public sealed class UploadCounters
{
    public const string MeterName = "OrleansUploads";

    private readonly Counter<long> _created;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _terminated;
    private readonly Counter<long> _received;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;
    private long _storedReports;
    private long _bytesStored;
    private long _writing;

    public UploadCounters(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _created = meter.CreateCounter<long>("uploads.created", description: "Uploads created.");
        _finished = meter.CreateCounter<long>("uploads.finished", description: "Uploads completed (every byte stored, and verified and processed where a processor applies).");
        _terminated = meter.CreateCounter<long>("uploads.terminated", description: "Uploads cancelled or deleted by their owners.");
        _received = meter.CreateCounter<long>("uploads.received", unit: "By", description: "Bytes stored from request bodies.");
        _requests = meter.CreateCounter<long>("uploads.requests", description: "Requests to the upload endpoints, by method.");
        _errors = meter.CreateCounter<long>("uploads.errors", description: "Upload requests that did not store their bytes, by kind.");
        meter.CreateObservableGauge("uploads.active", () => Interlocked.Read(ref _writing), description: "Request bodies being stored into uploads now.");
    }

    /// <summary>Progress reports writers made to grains while bodies arrived (releases and completions not counted).</summary>
    public long StoredReports => Interlocked.Read(ref _storedReports);

    public long BytesStored => Interlocked.Read(ref _bytesStored);

    public void CountReport() => Interlocked.Increment(ref _storedReports);

    public void CountStored(long bytes)
    {
        Interlocked.Add(ref _bytesStored, bytes);
        _received.Add(bytes);
    }

    public void CountCreated(UploadStatus created)
    {
        _created.Add(1);
        if (created.State == UploadState.Completed)
        {
            _finished.Add(1);
        }
    }

    public void CountFinished() => _finished.Add(1);

    public void CountTerminated() => _terminated.Add(1);

    public void CountRequest(string method) => _requests.Add(1, new KeyValuePair<string, object?>("method", method));

    /// <summary>How a request that wanted to store bytes ended; only failures count (not found, offset mismatch, storage full, ...).</summary>
    public void CountOutcome(ChunkResult result)
    {
        if (result is not (ChunkResult.Stored or ChunkResult.Completed or ChunkResult.Processing))
        {
            _errors.Add(1, new KeyValuePair<string, object?>("kind", result.ToString()));
        }
    }

    /// <summary>A body is being stored until the returned scope ends.</summary>
    public IDisposable Writing()
    {
        Interlocked.Increment(ref _writing);
        return new WritingScope(this);
    }

    private sealed class WritingScope(UploadCounters counters) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
            {
                Interlocked.Decrement(ref counters._writing);
            }
        }
    }
}
