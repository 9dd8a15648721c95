namespace OrleansUploads.Grains;

/// <summary>
/// Exponentially smoothed bytes per second. The weight of each sample grows with the time it covers,
/// so irregular report intervals do not skew the figure. While no bytes arrive the figure fades,
/// so a stalled client does not keep showing its last speed and a hopeful ETA.
/// </summary>
public sealed class TransferRate(TimeSpan smoothing)
{
    // Reports arrive every few tens of milliseconds while bytes flow; a gap longer than this is a stall.
    private static readonly TimeSpan StallGrace = TimeSpan.FromMilliseconds(500);

    private DateTimeOffset? _since;
    private long _unaccounted;
    private double? _bytesPerSecond;

    /// <summary>The speed as of <paramref name="now"/>; zero when stopped.</summary>
    public double BytesPerSecondAt(DateTimeOffset now)
    {
        if (_since is not { } since || _bytesPerSecond is not { } rate)
        {
            return 0;
        }

        var stalled = (now - since - StallGrace).TotalSeconds;
        return stalled > 0 ? rate * Math.Exp(-stalled / smoothing.TotalSeconds) : rate;
    }

    /// <summary>A writer attached: measure from now, forgetting earlier pauses.</summary>
    public void Restart(DateTimeOffset at)
    {
        _since = at;
        _unaccounted = 0;
        _bytesPerSecond = null;
    }

    /// <summary>The next part of the same transfer attached: measure from now, keeping the speed so far.</summary>
    public void Resume(DateTimeOffset at) => _since = at;

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
