namespace OrleansUploads.Grains;

/// <summary>
/// Exponentially smoothed bytes per second. The weight of each sample grows with the time it covers,
/// so irregular report intervals do not skew the figure.
/// </summary>
public sealed class TransferRate(TimeSpan smoothing)
{
    private DateTimeOffset? _since;
    private long _unaccounted;
    private double? _bytesPerSecond;

    public double BytesPerSecond => _bytesPerSecond ?? 0;

    /// <summary>A writer attached: measure from now, forgetting earlier pauses.</summary>
    public void Restart(DateTimeOffset at)
    {
        _since = at;
        _unaccounted = 0;
        _bytesPerSecond = null;
    }

    public void Record(long bytes, DateTimeOffset at)
    {
        if (_since is not { } since)
        {
            Restart(at);
            return;
        }

        _unaccounted += bytes;
        var seconds = (at - since).TotalSeconds;
        if (seconds <= 0)
        {
            return;
        }

        var instant = _unaccounted / seconds;
        var weight = 1 - Math.Exp(-seconds / smoothing.TotalSeconds);
        _bytesPerSecond = _bytesPerSecond is { } previous ? previous + weight * (instant - previous) : instant;
        _since = at;
        _unaccounted = 0;
    }

    public void Stop() => _since = null;
}
