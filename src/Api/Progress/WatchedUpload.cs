using System.Diagnostics;
using Orleans.Streams;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Progress;

/// <summary>One upload watched from this API instance: its stream subscription, its watchers, and what they were sent last.</summary>
/// <remarks>Times are <see cref="Stopwatch"/> timestamps; the cluster's last change is passed in as one.</remarks>
internal sealed class WatchedUpload(string uploadId)
{
    private readonly Lock _lock = new();
    private long _lastSequence;
    private UploadState _lastState = UploadState.Created;
    private long _lastHeardAt = Stopwatch.GetTimestamp();
    private long _subscribedAt = Stopwatch.GetTimestamp();
    private int _healing;

    public string UploadId { get; } = uploadId;

    public HashSet<string> Watchers { get; } = [];

    public StreamSubscriptionHandle<UploadStatus>? Subscription { get; private set; }

    /// <summary>The subscription reported an error: it may deliver nothing more.</summary>
    public bool Broken { get; set; }

    /// <summary>
    /// Takes <paramref name="subscription"/>, asked for at <paramref name="takenAt"/>: a subscription asked
    /// for before the cluster changed counts as older than the change, even if it was answered after it.
    /// </summary>
    public void Renew(StreamSubscriptionHandle<UploadStatus> subscription, long takenAt)
    {
        Subscription = subscription;
        Broken = false;
        Interlocked.Exchange(ref _subscribedAt, takenAt);
    }

    /// <summary>Marks a heal as under way; false when one already is.</summary>
    public bool TryStartHeal() => Interlocked.Exchange(ref _healing, 1) == 0;

    public void EndHeal() => Interlocked.Exchange(ref _healing, 0);

    /// <summary>True for a status newer than any sent to the watchers here, which it now is; false for a duplicate or an overtaken one.</summary>
    public bool Accept(UploadStatus status)
    {
        lock (_lock)
        {
            _lastHeardAt = Stopwatch.GetTimestamp();

            if (status.Sequence <= _lastSequence)
            {
                return false;
            }

            (_lastSequence, _lastState) = (status.Sequence, status.State);
            return true;
        }
    }

    /// <summary>
    /// The subscription should be taken anew: it erred, it missed an event, or it was taken before the
    /// cluster last changed (a silo's death can leave a subscription in place that delivers nothing more).
    /// </summary>
    public bool NeedsSubscribing(bool missed, long clusterChangedAt) => missed || Broken || Interlocked.Read(ref _subscribedAt) < clusterChangedAt;

    /// <summary>
    /// The stream may have stopped delivering: it reported an error, or it has been silent longer than
    /// an upload in this state stays silent (bytes arriving are reported several times a second). For
    /// <paramref name="idleSilence"/> after the cluster changed, every state gets the short silence: a
    /// paused upload usually resumes right after a failover, and while stream queues move between
    /// silos a subscription that just delivered may still stop, so its watchers must not wait for the long one.
    /// </summary>
    public bool MayBeLost(TimeSpan uploadingSilence, TimeSpan idleSilence, long clusterChangedAt)
    {
        lock (_lock)
        {
            var onProbation = clusterChangedAt != 0 && Stopwatch.GetElapsedTime(clusterChangedAt) < idleSilence;
            var expected = _lastState == UploadState.Uploading || onProbation ? uploadingSilence : idleSilence;
            return Broken || (!_lastState.IsTerminal() && Stopwatch.GetElapsedTime(_lastHeardAt) > expected);
        }
    }
}
