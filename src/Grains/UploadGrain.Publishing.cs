using Microsoft.Extensions.Logging;
using Orleans.Streams;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// Persisting and publishing: the status goes out on the upload's stream only after it is stored, at
/// most once per progress interval while bytes arrive and at once on every state change.
/// </summary>
public sealed partial class UploadGrain
{
    /// <summary>The offset known to be in grain storage: the only one ever shown.</summary>
    private long _durableOffset;
    private DateTimeOffset _lastPublishedAt;
    private IGrainTimer? _trailingProgress;
    private Task _persisting = Task.CompletedTask;
    private IAsyncStream<UploadStatus>? _events;

    private void OpenEvents() => _events = this.GetStreamProvider(UploadStreams.Provider)
        .GetStream<UploadStatus>(StreamId.Create(UploadStreams.Namespace, UploadId));

    /// <summary>Commits the stored offset now if the last event is an interval old, else once the interval is up.</summary>
    private async Task CommitProgressSoonAsync()
    {
        if (clock.GetUtcNow() - _lastPublishedAt >= _options.ProgressInterval)
        {
            await CommitProgressAsync();
            return;
        }

        _trailingProgress ??= this.RegisterGrainTimer(
            CommitTrailingProgressAsync,
            new GrainTimerCreationOptions { DueTime = _lastPublishedAt + _options.ProgressInterval - clock.GetUtcNow(), Period = Timeout.InfiniteTimeSpan });
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
    }

    /// <summary>
    /// Persists, then publishes. Writes are chained because interleaving calls (acquire, cancel) may
    /// ask for one while another is still under way.
    /// </summary>
    private async Task PersistAndPublishAsync()
    {
        _persisting = WriteAfterAsync(_persisting);
        await _persisting;
        _lastPublishedAt = clock.GetUtcNow();
        var status = Snapshot();
        try
        {
            await _events!.OnNextAsync(status);
        }
        catch (Exception exception)
        {
            // Watchers can always re-read the status; a failed event must not fail the upload.
            logger.LogWarning(exception, "Could not publish status of upload {UploadId}", status.Id);
        }
    }

    private async Task WriteAfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception)
        {
            // The earlier write's caller saw its failure; this write carries the newer state anyway.
        }

        var writing = Upload.BytesReceived;
        await state.WriteStateAsync();
        _durableOffset = Math.Max(_durableOffset, writing);
    }

    private UploadStatus Snapshot()
    {
        var speed = Upload.State == UploadState.Uploading ? _rate.BytesPerSecondAt(clock.GetUtcNow()) : 0;
        double? eta = speed > 0 && Upload.TotalBytes is { } total ? Math.Round((total - _durableOffset) / speed, 1) : null;
        return new UploadStatus(
            UploadId, Upload.FileName, Upload.ContentType, Upload.State,
            _durableOffset, Upload.TotalBytes, Math.Round(speed), eta,
            Upload.CreatedAt, Upload.StartedAt, Upload.LastByteAt, Upload.CompletedAt,
            Upload.Sha256, Upload.Error, Upload.Owner, Upload.Metadata, Upload.State.IsTerminal() ? null : Upload.ExpiresAt);
    }
}
