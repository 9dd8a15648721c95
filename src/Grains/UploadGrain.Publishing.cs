using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Orleans.Streams;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// Persisting and publishing: the status goes out on the upload's stream only after it is stored, at
/// most once per progress interval while bytes arrive and at once on every state change, once anyone
/// watches the upload.
/// </summary>
public sealed partial class UploadGrain
{
    /// <summary>
    /// The upload as grain storage holds it: the only version ever shown or published, so no status
    /// runs ahead of what survives a crash (an offset, a completion).
    /// </summary>
    private UploadGrainState _durable = new();

    /// <summary>
    /// When the last write-then-publish began. The interval counts from there, not from the publish,
    /// so the time a write takes does not stretch the gaps watchers see.
    /// </summary>
    private DateTimeOffset _lastCommitAt;
    private IGrainTimer? _trailingProgress;
    private IGrainTimer? _pauseNotice;
    private Task _persisting = Task.CompletedTask;
    private IAsyncStream<UploadStatus>? _events;

    public async Task<UploadStatus?> WatchAsync(string owner, CancellationToken cancellationToken = default)
    {
        if (!VisibleTo(owner))
        {
            return null;
        }

        if (!_durable.Watched)
        {
            // Stored before it is relied on: an activation after a crash must go on publishing. A watch
            // that comes while another's mark is being stored waits for a write that holds it too.
            Upload.Watched = true;
            await PersistAndPublishAsync();
        }

        return Snapshot();
    }

    private void OpenEvents() => _events = this.GetStreamProvider(UploadStreams.Provider)
        .GetStream<UploadStatus>(StreamId.Create(UploadStreams.Namespace, UploadId));

    /// <summary>Commits the stored offset now if the last event is an interval old, else once the interval is up.</summary>
    private async Task CommitProgressSoonAsync()
    {
        if (clock.GetUtcNow() - _lastCommitAt >= _options.ProgressInterval)
        {
            await CommitProgressAsync();
            return;
        }

        _trailingProgress ??= this.RegisterGrainTimer(
            CommitTrailingProgressAsync,
            new GrainTimerCreationOptions { DueTime = _lastCommitAt + _options.ProgressInterval - clock.GetUtcNow(), Period = Timeout.InfiniteTimeSpan });
    }

    private async Task CommitTrailingProgressAsync(CancellationToken cancellationToken)
    {
        StopTrailingProgress();
        if (!Upload.State.IsTerminal() && _storedOffset > Upload.BytesReceived)
        {
            await CommitProgressAsync();
        }
    }

    private void StopTrailingProgress()
    {
        _trailingProgress?.Dispose();
        _trailingProgress = null;
    }

    private async Task CommitProgressAsync()
    {
        Upload.BytesReceived = _storedOffset;
        await PersistAndPublishAsync();
        _lease?.TellCommitted(_durable.BytesReceived);
    }

    /// <summary>
    /// Persists, then publishes. Writes are chained because interleaving calls (acquire, cancel) may
    /// ask for one while another is still under way.
    /// </summary>
    private async Task PersistAndPublishAsync()
    {
        await PersistAsync();
        var status = Snapshot();
        await TellWatchersAsync(status);
        await TellFinalAsync(status);
    }

    private async Task PersistAsync()
    {
        _lastCommitAt = clock.GetUtcNow();
        _persisting = WriteAfterAsync(_persisting);
        await _persisting;
    }

    /// <summary>Tells watchers a stored status.</summary>
    private async Task TellWatchersAsync(UploadStatus status)
    {
        try
        {
            // An event for nobody would still cost the stream's queue, its rendezvous and its agent.
            if (Upload.Watched)
            {
                await _events!.OnNextAsync(status);
            }
        }
        catch (Exception exception)
        {
            // Watchers can always re-read the status; a failed event must not fail the upload.
            logger.LogWarning(exception, "Could not publish status of upload {UploadId}", status.Id);
        }
    }

    private async Task WriteAfterAsync(Task previous)
    {
        // Runs synchronously up to its first await, so this is as the caller made its change.
        var queuedBehind = !previous.IsCompleted;
        try
        {
            await previous;
        }
        catch (Exception exception) when (queuedBehind)
        {
            // The earlier write failed and memory went back to what is stored, undoing this caller's
            // change too: it must not believe it stored.
            throw new InvalidOperationException("An earlier write of this upload failed; this change was not stored.", exception);
        }
        catch (Exception)
        {
            // It failed before this change was made: memory was already back to what is stored.
        }

        Upload.Version = _durable.Version + 1;
        var writing = Upload.Copy();
        try
        {
            await state.WriteStateAsync();
            _durable = writing;
        }
        catch (Exception exception)
        {
            // Memory must not stay ahead of storage (every resume would then be refused): go back to
            // what is stored. Lease numbers never go back, so no two writers ever share one. A writer
            // that lost its lease leaves no upload 'uploading'. A store that changed underneath is read
            // afresh by the next activation.
            logger.LogWarning(exception, "Storing upload {UploadId} failed; going back to what is stored", UploadId);
            var epoch = Upload.LeaseEpoch;
            state.State = _durable.Copy();
            Upload.LeaseEpoch = Math.Max(epoch, Upload.LeaseEpoch);
            _storedOffset = Math.Min(_storedOffset, _durable.BytesReceived);
            if (exception is InconsistentStateException)
            {
                DeactivateOnIdle();
            }

            throw;
        }
    }

    /// <summary>A pause stored now goes out to watchers after <see cref="UploadGrainOptions.PauseNotice"/>, unless a writer comes first.</summary>
    private void NoticePauseSoon()
    {
        WithdrawPauseNotice();
        IGrainTimer? notice = null;
        // A tick already queued when its notice was withdrawn must not tell a later one early.
        notice = this.RegisterGrainTimer(
            _ => notice == _pauseNotice ? NoticePauseNowAsync() : Task.CompletedTask,
            new GrainTimerCreationOptions { DueTime = _options.PauseNotice, Period = Timeout.InfiniteTimeSpan });
        _pauseNotice = notice;
    }

    /// <returns>Whether a pause was still to be told: the writer now coming continues the transfer.</returns>
    private bool WithdrawPauseNotice()
    {
        var pending = _pauseNotice is not null;
        _pauseNotice?.Dispose();
        _pauseNotice = null;
        return pending;
    }

    /// <summary>Tells a pending pause now (its time is up, or the activation ends), if the upload is still paused.</summary>
    /// <remarks>Watchers only: a partial upload told its final upload when it stored the pause.</remarks>
    private async Task NoticePauseNowAsync()
    {
        if (WithdrawPauseNotice() && _durable.State == UploadState.Paused && _lease is null)
        {
            await TellWatchersAsync(Snapshot());
        }
    }

    /// <summary>Waits for the writes under way; their callers hear of any failure.</summary>
    private async Task WhenStoredAsync()
    {
        try
        {
            await _persisting;
        }
        catch (Exception)
        {
            // The write's own caller was told; memory is back to what is stored.
        }
    }

    private UploadStatus Snapshot()
    {
        var shown = _durable;
        var speed = shown.State == UploadState.Uploading ? Math.Round(_rate.BytesPerSecondAt(clock.GetUtcNow())) : 0;
        // The time left follows the speed as shown: a speed that fades towards nothing shows 0, and then
        // no time is given, rather than one that grows without bound.
        double? eta = speed > 0 && shown.TotalBytes is { } total ? Math.Round((total - shown.BytesReceived) / speed, 1) : null;
        return new UploadStatus(
            UploadId, shown.FileName, shown.ContentType, shown.State,
            shown.BytesReceived, shown.TotalBytes, speed, eta,
            shown.CreatedAt, shown.StartedAt, shown.LastByteAt, shown.CompletedAt,
            shown.Sha256, shown.Error, shown.Owner, shown.Metadata, shown.State.IsTerminal() ? null : shown.ExpiresAt, shown.Version,
            shown.Stage, shown.State == UploadState.Processing ? _stageProgress : null, shown.Webhook,
            shown.Parts is not null ? "final" : shown.Partial ? "partial" : null, shown.Parts ?? (shown.Final is { } final ? [final] : null));
    }
}
