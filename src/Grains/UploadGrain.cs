using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Streams;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// One upload's control plane. The committed offset (<see cref="UploadGrainState.BytesReceived"/>)
/// is persisted before it is published or answered anywhere, so no reported offset is ever lost
/// by a crash; it only advances by bytes a writer has already handed to storage.
/// Reentrant because a takeover or a cancel waits for the displaced writer's release, which is
/// itself a call to this grain; every turn re-checks state after each await.
/// </summary>
[Reentrant]
public sealed partial class UploadGrain(
    [PersistentState("upload", UploadStreams.UploadStore)] IPersistentState<UploadGrainState> state,
    IOptions<UploadGrainOptions> options,
    TimeProvider clock,
    ILogger<UploadGrain> logger) : Grain, IUploadGrain
{
    private readonly UploadGrainOptions _options = options.Value;
    private readonly TransferRate _rate = new(options.Value.SpeedSmoothing);
    private WriterLease? _lease;
    private long _storedOffset;
    private long _durableOffset;
    private DateTimeOffset _lastPublishedAt;
    private IGrainTimer? _trailingProgress;
    private Task _persisting = Task.CompletedTask;
    private IAsyncStream<UploadStatus>? _events;

    private UploadGrainState Upload => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _events = this.GetStreamProvider(UploadStreams.Provider)
            .GetStream<UploadStatus>(StreamId.Create(UploadStreams.Namespace, this.GetPrimaryKeyString()));
        _storedOffset = _durableOffset = Upload.BytesReceived;
        if (Upload.Exists && Upload.State == UploadState.Uploading)
        {
            // A writer's lease does not survive the activation that granted it.
            Upload.State = UploadState.Paused;
            await PersistAndPublishAsync();
        }

        await ExpireIfOverdueAsync();
    }

    public async Task<UploadStatus> CreateAsync(UploadCreation creation, CancellationToken cancellationToken = default)
    {
        if (Upload.Exists)
        {
            return Snapshot();
        }

        Upload.Exists = true;
        Upload.TotalBytes = creation.TotalBytes;
        Upload.FileName = creation.FileName;
        Upload.ContentType = creation.ContentType;
        Upload.Metadata = creation.Metadata;
        Upload.Owner = creation.Owner;
        Upload.State = UploadState.Created;
        Upload.CreatedAt = clock.GetUtcNow();
        Upload.ExpiresAt = Upload.CreatedAt + _options.ExpireAfter;
        await PersistAndPublishAsync();
        await ScheduleExpiryAsync();
        await Catalog.AddAsync(this.GetPrimaryKeyString(), cancellationToken);
        return Snapshot();
    }

    public Task<UploadStatus?> GetStatusAsync(string owner, CancellationToken cancellationToken = default) =>
        Task.FromResult(VisibleTo(owner) ? Snapshot() : null);

    public async Task<LeaseGrant> AcquireLeaseAsync(long offset, IUploadWriter writer, string owner, CancellationToken cancellationToken = default)
    {
        if (!VisibleTo(owner))
        {
            return new LeaseGrant(null, WriteRefusal.NotFound, null);
        }

        // Take over from whoever writes now; they keep what they stored and report it as they let go.
        while (_lease is { } current)
        {
            current.RequestStop(StopReason.Superseded);
            if (!await current.WaitReleasedAsync(_options.LeaseTakeoverTimeout) && _lease == current)
            {
                logger.LogWarning("Writer of upload {UploadId} did not let go in time; taking its lease", this.GetPrimaryKeyString());
                _lease = null;
            }
        }

        if (Upload.State.IsTerminal())
        {
            return new LeaseGrant(null, WriteRefusal.Finished, Snapshot());
        }

        if (offset != Upload.BytesReceived)
        {
            return new LeaseGrant(null, WriteRefusal.OffsetMismatch, Snapshot());
        }

        var lease = new WriterLease(Guid.NewGuid(), writer);
        _lease = lease;
        _storedOffset = Upload.BytesReceived;
        _rate.Restart(clock.GetUtcNow());
        Upload.State = UploadState.Uploading;
        await PersistAndPublishAsync();
        return new LeaseGrant(lease.Id, null, Snapshot());
    }

    public async Task<WriteVerdict> ReportStoredAsync(Guid leaseId, long offset, CancellationToken cancellationToken = default)
    {
        if (_lease?.Id != leaseId || Upload.State.IsTerminal() || !AcceptStored(offset))
        {
            return WriteVerdict.Stop;
        }

        if (clock.GetUtcNow() - _lastPublishedAt >= _options.ProgressInterval)
        {
            await CommitProgressAsync();
        }
        else
        {
            _trailingProgress ??= this.RegisterGrainTimer(
                CommitTrailingProgressAsync,
                new GrainTimerCreationOptions { DueTime = _lastPublishedAt + _options.ProgressInterval - clock.GetUtcNow(), Period = Timeout.InfiniteTimeSpan });
        }

        return _lease?.StopRequested == true ? WriteVerdict.Stop : WriteVerdict.Continue;
    }

    public async Task<UploadStatus> ReleaseLeaseAsync(Guid leaseId, long offset, CancellationToken cancellationToken = default)
    {
        if (_lease is not { } lease || lease.Id != leaseId)
        {
            // A writer whose lease was taken without it: what it wrote since is not trusted.
            return Snapshot();
        }

        try
        {
            if (!Upload.State.IsTerminal())
            {
                AcceptStored(offset);
                Upload.BytesReceived = _storedOffset;
                Upload.State = UploadState.Paused;
                _rate.Stop();
                await PersistAndPublishAsync();
            }
        }
        finally
        {
            _lease = null;
            lease.MarkReleased();
        }

        return Snapshot();
    }

    public async Task<UploadStatus> CompleteAsync(Guid leaseId, long offset, string sha256, CancellationToken cancellationToken = default)
    {
        if (_lease is not { } lease || lease.Id != leaseId || Upload.State.IsTerminal())
        {
            return Snapshot();
        }

        if (Upload.TotalBytes is { } total && offset != total)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Upload of {total} bytes cannot complete at {offset}.");
        }

        try
        {
            Upload.TotalBytes ??= offset;
            AcceptStored(offset);
            Upload.BytesReceived = offset;
            Upload.Sha256 = sha256;
            await FinishAsync(UploadState.Completed, error: null);
        }
        finally
        {
            _lease = null;
            lease.MarkReleased();
        }

        return Snapshot();
    }

    public async Task<UploadStatus> FailAsync(string error, CancellationToken cancellationToken = default)
    {
        if (Upload.Exists && !Upload.State.IsTerminal())
        {
            var lease = _lease;
            _lease = null;
            lease?.RequestStop(StopReason.Finished);
            lease?.MarkReleased();
            await FinishAsync(UploadState.Failed, error);
        }

        return Snapshot();
    }

    public async Task<UploadStatus?> CancelAsync(string owner, CancellationToken cancellationToken = default)
    {
        if (!VisibleTo(owner))
        {
            return null;
        }

        if (Upload.State is UploadState.Cancelled or UploadState.Failed or UploadState.Expired)
        {
            return Snapshot();
        }

        var lease = _lease;
        lease?.RequestStop(StopReason.Cancelled);
        await FinishAsync(UploadState.Cancelled, error: null);

        // The caller deletes the stored bytes next, so the writer must have stopped writing first.
        if (lease is not null && !await lease.WaitReleasedAsync(_options.LeaseTakeoverTimeout) && _lease == lease)
        {
            _lease = null;
        }

        return Snapshot();
    }

    /// <summary>Moves the stored offset forward; false for an offset that goes back or past the end.</summary>
    private bool AcceptStored(long offset)
    {
        if (offset < _storedOffset || offset > (Upload.TotalBytes ?? long.MaxValue))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        if (offset > _storedOffset)
        {
            _rate.Record(offset - _storedOffset, now);
            Upload.StartedAt ??= now;
            Upload.LastByteAt = now;
            Upload.ExpiresAt = now + _options.ExpireAfter;
            _storedOffset = offset;
        }

        return true;
    }

    private async Task CommitTrailingProgressAsync(CancellationToken cancellationToken)
    {
        _trailingProgress?.Dispose();
        _trailingProgress = null;
        if (!Upload.State.IsTerminal() && _storedOffset > Upload.BytesReceived)
        {
            await CommitProgressAsync();
        }
    }

    private async Task CommitProgressAsync()
    {
        Upload.BytesReceived = _storedOffset;
        await PersistAndPublishAsync();
    }

    private async Task FinishAsync(UploadState final, string? error)
    {
        _trailingProgress?.Dispose();
        _trailingProgress = null;
        _rate.Stop();
        Upload.State = final;
        Upload.Error = error;
        Upload.CompletedAt = final == UploadState.Completed ? clock.GetUtcNow() : Upload.CompletedAt;
        await PersistAndPublishAsync();
        await Catalog.RemoveAsync(this.GetPrimaryKeyString());
        await CancelExpiryAsync();
        if (final != UploadState.Completed)
        {
            await GrainFactory.GetGrain<IDiscardedUploadsGrain>(IDiscardedUploadsGrain.Key).AddAsync(this.GetPrimaryKeyString());
        }
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

    /// <summary>Another owner's upload is treated as absent: its existence is not revealed.</summary>
    private bool VisibleTo(string owner) => Upload.Exists && string.Equals(Upload.Owner, owner, StringComparison.Ordinal);

    private IUploadCatalogGrain Catalog => GrainFactory.GetGrain<IUploadCatalogGrain>(Upload.Owner);

    private UploadStatus Snapshot()
    {
        var speed = Upload.State == UploadState.Uploading ? _rate.BytesPerSecondAt(clock.GetUtcNow()) : 0;
        double? eta = speed > 0 && Upload.TotalBytes is { } total ? Math.Round((total - _durableOffset) / speed, 1) : null;
        return new UploadStatus(
            this.GetPrimaryKeyString(), Upload.FileName, Upload.ContentType, Upload.State,
            _durableOffset, Upload.TotalBytes, Math.Round(speed), eta,
            Upload.CreatedAt, Upload.StartedAt, Upload.LastByteAt, Upload.CompletedAt,
            Upload.Sha256, Upload.Error, Upload.Owner, Upload.Metadata, Upload.State.IsTerminal() ? null : Upload.ExpiresAt);
    }
}
