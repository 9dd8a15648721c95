using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// One upload's control plane: counts here, creation in <c>UploadGrain.Creation.cs</c>, the writer's
/// lease in <c>UploadGrain.Lease.cs</c> and whether its writer is still there in <c>UploadGrain.Silence.cs</c>, how it ends in <c>UploadGrain.Endings.cs</c>, persisting and publishing
/// in <c>UploadGrain.Publishing.cs</c>, expiry in <c>UploadGrain.Expiry.cs</c>. The committed offset (<see cref="UploadGrainState.BytesReceived"/>)
/// is persisted before it is published or answered anywhere, so no reported offset is ever lost by a
/// crash; it only advances by bytes a writer has already handed to storage.
/// Reentrant because a takeover or a cancel waits for the displaced writer's release, which is
/// itself a call to this grain; every turn re-checks state after each await.
/// </summary>
[Reentrant]
public sealed partial class UploadGrain(
    [PersistentState("upload", UploadStreams.UploadStore)] IPersistentState<UploadGrainState> state,
    IOptions<UploadGrainOptions> options,
    WebhookSender webhooks,
    IOptions<WebhookOptions> webhookOptions,
    TimeProvider clock,
    ILogger<UploadGrain> logger) : Grain, IUploadGrain
{
    /// <summary>SHA-256 of no bytes: the digest of an empty upload.</summary>
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private readonly UploadGrainOptions _options = options.Value;
    private readonly TransferRate _rate = new(options.Value.SpeedSmoothing);

    /// <summary>The highest offset a writer said storage holds; committed at most once per progress interval.</summary>
    private long _storedOffset;

    private UploadGrainState Upload => state.State;

    private string UploadId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        OpenEvents();
        _reminderMayExist = Upload.Exists;
        _durable = Upload.Copy();
        _storedOffset = Upload.BytesReceived;
        if (TakeHandedOverLease())
        {
            await PersistAndPublishAsync();
        }
        else if (Upload.Exists && Upload.State == UploadState.Uploading)
        {
            // A writer's lease does not survive the activation that granted it, whatever storage still
            // says. The writer may have: its silo died under it. It is told to stop at once rather than
            // when its next report finds no lease, which may wait out a call lost with the silo.
            _ = Upload.Writer?.StopWriting(StopReason.Superseded);
            Upload.Writer = null;
            Upload.State = _durable.State = UploadState.Paused;
            await PersistAndPublishAsync();
        }

        // Its writer died after the last byte, or its processing was under way: the API takes it from there.
        if (AllStored || AwaitsProcessing)
        {
            await QueueAsync(UploadQueues.Completing);
        }

        if (Upload.State.IsAfterBytes())
        {
            WatchProcessing();
        }

        await ResumeWebhooksAsync();
        StartEndingTimer();

        // Expiring calls the owner's catalog, which may be the very grain that woke this one up (to ask
        // its status while reconciling): so expire right after activating, not during it. The timer is
        // let go once it fired, since a paused upload's grain may stay in memory for a while.
        IGrainTimer? check = null;
        check = this.RegisterGrainTimer(async _ =>
        {
            check?.Dispose();
            await ExpireIfOverdueAsync();
        }, new GrainTimerCreationOptions { DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
    }

    public Task<UploadStatus?> GetStatusAsync(string owner, CancellationToken cancellationToken = default) =>
        Task.FromResult(VisibleTo(owner) ? Snapshot() : null);

    public Task<UploadStatus?> PeekAsync(CancellationToken cancellationToken = default)
    {
        ForgetIfAbsent();
        return Task.FromResult(Upload.Exists ? Snapshot() : null);
    }

    public async Task<WriteVerdict> ReportStoredAsync(Guid leaseId, long offset, CancellationToken cancellationToken = default)
    {
        if (_lease?.Id != leaseId || Upload.State.IsTerminal() || !AcceptStored(offset))
        {
            return WriteVerdict.Stop;
        }

        _writerHeardAt = clock.GetUtcNow();
        await CommitProgressSoonAsync();
        return _lease?.StopRequested == true ? WriteVerdict.Stop : WriteVerdict.Continue;
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

    /// <summary>
    /// Whether <paramref name="owner"/> may see this upload; another owner's is treated as absent, so
    /// its existence is not revealed. A grain with no upload behind it (a mistyped or guessed id)
    /// leaves memory as soon as the call is answered, so unknown ids cost nothing to ask about.
    /// </summary>
    private bool VisibleTo(string owner)
    {
        ForgetIfAbsent();
        return Upload.Exists && string.Equals(Upload.Owner, owner, StringComparison.Ordinal);
    }

    private void ForgetIfAbsent()
    {
        if (!Upload.Exists)
        {
            DeactivateOnIdle();
        }
    }

    private IUploadCatalogGrain Catalog => GrainFactory.GetGrain<IUploadCatalogGrain>(Upload.Owner);
}
