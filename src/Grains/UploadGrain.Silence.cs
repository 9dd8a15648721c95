using Microsoft.Extensions.Logging;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// Whether the writer holding the lease is still there. Its process may die while it writes (a
/// SIGKILL, a crash) with no request coming after it to take the lease over, and a lease handed to a
/// new activation may have lost its writer on the way. Such a writer is asked once; one that does not
/// answer loses its lease (<see cref="EndLeaseUnlessWriterAnswersAsync"/>, the one rule for both), so
/// the upload shows paused, not uploading, and its grain may leave memory once idle.
/// </summary>
public sealed partial class UploadGrain
{
    /// <summary>When the writer holding the lease was last heard from: its grant, its last report, its last answer.</summary>
    private DateTimeOffset _writerHeardAt;

    /// <summary>One timer per activation, for whichever writer holds the lease; it stops on a tick that finds none.</summary>
    private IGrainTimer? _silenceWatch;

    /// <summary>Minds the silence of the writer just granted the lease, reusing the timer of an earlier one.</summary>
    private void WatchWriterSilence()
    {
        _writerHeardAt = clock.GetUtcNow();
        // Two ticks per silence: a silent writer is asked at most half a silence late. Ticks do not keep
        // the grain in memory, and between them a report costs only the time it is heard.
        var tick = _options.WriterSilence / 2;
        _silenceWatch ??= this.RegisterGrainTimer(CheckSilenceAsync, new GrainTimerCreationOptions { DueTime = tick, Period = tick, Interleave = true });
    }

    private async Task CheckSilenceAsync(CancellationToken cancellationToken)
    {
        if (_lease is not { } lease || Upload.State != UploadState.Uploading)
        {
            _silenceWatch?.Dispose();
            _silenceWatch = null;
            return;
        }

        // A writer reports while bytes arrive; one whose client stalls is silent yet alive, and answers.
        if (clock.GetUtcNow() - _writerHeardAt >= _options.WriterSilence)
        {
            await EndLeaseUnlessWriterAnswersAsync(lease, "after a silence");
        }
    }

    /// <summary>The writer a lease was handed to may have died meanwhile (its API instance stopped too): asked at once, not after a silence.</summary>
    private void AskHandedOverWriter(WriterLease lease)
    {
        IGrainTimer? ask = null;
        ask = this.RegisterGrainTimer(async _ =>
        {
            ask?.Dispose();
            await EndLeaseUnlessWriterAnswersAsync(lease, "after its lease was handed over");
        }, new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan, Interleave = true });
    }

    /// <summary>
    /// Asks the writer of <paramref name="lease"/> whether it still writes, once. One that answers, or
    /// reports meanwhile, keeps the lease; one that does not (its process died) loses it, and the upload
    /// is paused at its committed offset, stored and published.
    /// </summary>
    private async Task EndLeaseUnlessWriterAnswersAsync(WriterLease lease, string when)
    {
        // A lease already asked to stop is left to the takeover, which waits for its release or its timeout.
        if (_lease != lease || lease.StopRequested)
        {
            return;
        }

        var heardBefore = _writerHeardAt;
        var answered = await lease.AnswersAsync(_options.LeaseTakeoverTimeout);
        if (_lease != lease || lease.StopRequested)
        {
            return;
        }

        if (answered)
        {
            _writerHeardAt = clock.GetUtcNow();
            return;
        }

        // A report that came while the question went unanswered says as much as an answer.
        if (_writerHeardAt != heardBefore)
        {
            return;
        }

        logger.LogWarning("Writer of upload {UploadId} did not answer {When}; ending its lease", UploadId, when);
        // What it reported is durable (a writer reports only what storage holds), so it is committed with the pause.
        Upload.BytesReceived = Math.Max(Upload.BytesReceived, _storedOffset);
        // Told to stop too, one-way: a writer that was only unreachable then stops at once, not at its next report.
        EndLease(lease, StopReason.Superseded);
        await PersistAndPublishAsync();
    }
}
