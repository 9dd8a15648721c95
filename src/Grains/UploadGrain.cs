using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// One upload's control plane: its lifecycle and counts here, the writer's lease in
/// <c>UploadGrain.Lease.cs</c>, persisting and publishing in <c>UploadGrain.Publishing.cs</c>, expiry
/// in <c>UploadGrain.Expiry.cs</c>. The committed offset (<see cref="UploadGrainState.BytesReceived"/>)
/// is persisted before it is published or answered anywhere, so no reported offset is ever lost by a
/// crash; it only advances by bytes a writer has already handed to storage.
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

    /// <summary>The highest offset a writer said storage holds; committed at most once per progress interval.</summary>
    private long _storedOffset;

    private UploadGrainState Upload => state.State;

    private string UploadId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        OpenEvents();
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
        await Catalog.AddAsync(UploadId, cancellationToken);
        return Snapshot();
    }

    public Task<UploadStatus?> GetStatusAsync(string owner, CancellationToken cancellationToken = default) =>
        Task.FromResult(VisibleTo(owner) ? Snapshot() : null);

    public async Task<WriteVerdict> ReportStoredAsync(Guid leaseId, long offset, CancellationToken cancellationToken = default)
    {
        if (_lease?.Id != leaseId || Upload.State.IsTerminal() || !AcceptStored(offset))
        {
            return WriteVerdict.Stop;
        }

        await CommitProgressSoonAsync();
        return _lease?.StopRequested == true ? WriteVerdict.Stop : WriteVerdict.Continue;
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
            EndLease(lease);
        }

        return Snapshot();
    }

    public async Task<UploadStatus> FailAsync(string error, CancellationToken cancellationToken = default)
    {
        if (Upload.Exists && !Upload.State.IsTerminal())
        {
            StopWriterNow(StopReason.Finished);
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

        _lease?.RequestStop(StopReason.Cancelled);
        await FinishAsync(UploadState.Cancelled, error: null);

        // The caller deletes the stored bytes next, so the writer must have stopped writing first.
        await StopWriterAsync(StopReason.Cancelled);
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
            Upload.LastByteAt = now;
            Upload.ExpiresAt = now + _options.ExpireAfter;
            _storedOffset = offset;
        }

        return true;
    }

    /// <summary>The one way into a terminal state: persisted, published, and off the owner's list of unfinished uploads.</summary>
    private async Task FinishAsync(UploadState final, string? error)
    {
        StopTrailingProgress();
        _rate.Stop();
        Upload.State = final;
        Upload.Error = error;
        Upload.CompletedAt = final == UploadState.Completed ? clock.GetUtcNow() : Upload.CompletedAt;
        await PersistAndPublishAsync();
        await Catalog.RemoveAsync(UploadId);
        await CancelExpiryAsync();
        if (final != UploadState.Completed)
        {
            await GrainFactory.GetGrain<IDiscardedUploadsGrain>(IDiscardedUploadsGrain.Key).AddAsync(UploadId);
        }
    }

    /// <summary>Another owner's upload is treated as absent: its existence is not revealed.</summary>
    private bool VisibleTo(string owner) => Upload.Exists && string.Equals(Upload.Owner, owner, StringComparison.Ordinal);

    private IUploadCatalogGrain Catalog => GrainFactory.GetGrain<IUploadCatalogGrain>(Upload.Owner);
}
