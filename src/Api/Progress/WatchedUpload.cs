using System.Diagnostics;
using Orleans.Streams;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Progress;

/// <summary>One upload watched from this API instance: its stream subscription, its watchers, and what they were sent last.</summary>
internal sealed class WatchedUpload(string uploadId)
{
    private readonly Lock _lock = new();
    private long _lastSequence;
    private UploadState _lastState = UploadState.Created;
    private long _lastHeardAt = Stopwatch.GetTimestamp();

    public string UploadId { get; } = uploadId;

    public HashSet<string> Watchers { get; } = [];

    public StreamSubscriptionHandle<UploadStatus>? Subscription { get; set; }

    /// <summary>The subscription reported an error: it may deliver nothing more.</summary>
    public bool Broken { get; set; }

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
    /// The stream may have stopped delivering: it reported an error, or it has been silent longer than
    /// an upload in this state stays silent (bytes arriving are reported several times a second).
    /// </summary>
    public bool MayBeLost(TimeSpan uploadingSilence, TimeSpan idleSilence)
    {
        lock (_lock)
        {
            var silence = Stopwatch.GetElapsedTime(_lastHeardAt);
            return Broken || (!_lastState.IsTerminal() && silence > (_lastState == UploadState.Uploading ? uploadingSilence : idleSilence));
        }
    }
}
