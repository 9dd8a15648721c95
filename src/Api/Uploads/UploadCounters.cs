namespace OrleansUploads.Api.Uploads;

/// <summary>What this API instance has done since it started, for <c>GET /api/diagnostics</c>.</summary>
public sealed class UploadCounters
{
    private long _storedReports;
    private long _bytesStored;

    /// <summary>Progress reports writers made to grains while bodies arrived (releases and completions not counted).</summary>
    public long StoredReports => Interlocked.Read(ref _storedReports);

    public long BytesStored => Interlocked.Read(ref _bytesStored);

    public void CountReport() => Interlocked.Increment(ref _storedReports);

    public void CountStored(long bytes) => Interlocked.Add(ref _bytesStored, bytes);
}
