using Microsoft.Extensions.Logging;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// The single-writer lease: who may write, whether a write may start at all, and the one way a
/// lease ends (<see cref="EndLease"/>).
/// </summary>
public sealed partial class UploadGrain
{
    private WriterLease? _lease;

    public async Task<LeaseGrant> AcquireLeaseAsync(
        long offset, IUploadWriter writer, string owner, long? bodyLength = null, long? declaredLength = null, CancellationToken cancellationToken = default)
    {
        if (!VisibleTo(owner))
        {
            return new LeaseGrant(null, WriteRefusal.NotFound, null);
        }

        // A request asking again (its first call went unanswered) keeps the lease it was granted.
        if (GrantHeldBy(writer) is { } again)
        {
            return again;
        }

        // Refuse what is wrong on its face before taking over, so a writer in flight is not disturbed.
        if (RefusalOf(offset, bodyLength, declaredLength) is { } refusal)
        {
            return refusal;
        }

        // Take over from whoever writes now; they keep what they stored and report it as they let go.
        await StopWriterAsync(StopReason.Superseded, writer);
        if (GrantHeldBy(writer) is { } meanwhile)
        {
            return meanwhile;
        }

        if (RefusalOf(offset, bodyLength, declaredLength) is { } late)
        {
            return late;
        }

        var lease = Grant(writer);
        var lengthBefore = Upload.TotalBytes;
        Upload.TotalBytes ??= declaredLength;
        try
        {
            await PersistAndPublishAsync();
        }
        catch (Exception)
        {
            // Not granted after all: the lease must not stay behind with no writer holding it, and a
            // pause its grant withdrew is to be told after all.
            Upload.TotalBytes = lengthBefore;
            EndLease(lease);
            if (_durable.State == UploadState.Paused)
            {
                NoticePauseSoon();
            }

            throw;
        }

        return new LeaseGrant(lease.Id, null, Snapshot(), Upload.LeaseEpoch);
    }

    /// <summary>Makes <paramref name="writer"/> the one writer, under a new epoch; the caller stores it.</summary>
    private WriterLease Grant(IUploadWriter writer)
    {
        var lease = new WriterLease(Guid.NewGuid(), writer);
        _lease = lease;
        _storedOffset = Upload.BytesReceived;
        var now = clock.GetUtcNow();
        if (WithdrawPauseNotice())
        {
            _rate.Resume(now);
        }
        else
        {
            _rate.Restart(now);
        }

        // The transfer starts with its first writer; the page shows how long it took from here.
        Upload.StartedAt ??= now;
        Upload.State = UploadState.Uploading;
        Upload.Writer = writer;
        Upload.LeaseEpoch++;
        WatchWriterSilence();
        return lease;
    }

    /// <summary>
    /// A graceful end of this activation (its silo shuts down, or it is moved) keeps the writer
    /// writing: what it reported is committed and its lease goes to the next activation, which it
    /// reaches with its next report. Nothing is handed over when the upload is not being written.
    /// A reminder put off until the grain leaves memory (<see cref="UploadGrainOptions.RemindOnlyWhenIdle"/>) is registered now.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            if (_lease is { } lease && Upload.State == UploadState.Uploading && Upload.Writer is not null)
            {
                StopTrailingProgress();
                Upload.BytesReceived = Math.Max(Upload.BytesReceived, _storedOffset);
                Upload.HandedOverLease = lease.Id;
                _persisting = WriteAfterAsync(_persisting);
                await _persisting;
            }
        }
        finally
        {
            await NoticePauseNowAsync();
            // Such a reminder dies with its process: not worth registering as the process stops.
            if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
            {
                await RemindAsGrainLeavesAsync();
            }
        }
    }

    /// <summary>Takes the lease a previous activation handed over; false when there is none.</summary>
    private bool TakeHandedOverLease()
    {
        if (Upload.HandedOverLease is not { } id)
        {
            return false;
        }

        Upload.HandedOverLease = null;
        if (Upload.State != UploadState.Uploading || Upload.Writer is not { } writer)
        {
            return false;
        }

        var lease = new WriterLease(id, writer);
        _lease = lease;
        _rate.Restart(clock.GetUtcNow());
        WatchWriterSilence();
        AskHandedOverWriter(lease);
        return true;
    }

    private LeaseGrant? GrantHeldBy(IUploadWriter writer) =>
        _lease is { } lease && lease.IsHeldBy(writer) ? new LeaseGrant(lease.Id, null, Snapshot(), Upload.LeaseEpoch) : null;

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
                await PersistAsync();
                // The final upload of a part adds up its parts' offsets now; its watchers hear of it as it decides.
                await TellFinalAsync(Snapshot());
                NoticePauseSoon();
            }
        }
        finally
        {
            EndLease(lease);
        }

        return Snapshot();
    }

    /// <summary>
    /// Why a write may not start. While a writer is attached the offset is not judged yet: it is
    /// judged against what that writer committed once it let go.
    /// </summary>
    private LeaseGrant? RefusalOf(long offset, long? bodyLength, long? declaredLength)
    {
        WriteRefusal? refusal =
            Upload.Parts is not null ? WriteRefusal.FinalUpload
            : Upload.State.IsTerminal() || Upload.State.IsAfterBytes() ? WriteRefusal.Finished
            : _lease is null && offset != Upload.BytesReceived ? WriteRefusal.OffsetMismatch
            : declaredLength is { } declared && (Upload.TotalBytes is { } known ? declared != known : declared < Math.Max(Upload.BytesReceived, _storedOffset))
                ? WriteRefusal.LengthMismatch
            : (Upload.TotalBytes ?? declaredLength) is { } total && bodyLength > total - offset ? WriteRefusal.TooLarge
            : null;
        return refusal is null ? null : new LeaseGrant(null, refusal, Snapshot());
    }

    /// <summary>
    /// Tells the writer in flight to stop and waits until it let go. A writer whose process died
    /// never answers, so after the takeover timeout its lease is ended without it.
    /// </summary>
    private async Task StopWriterAsync(StopReason reason, IUploadWriter? asking = null)
    {
        while (_lease is { } current && (asking is null || !current.IsHeldBy(asking)))
        {
            current.RequestStop(reason);
            if (!await current.WaitReleasedAsync(_options.LeaseTakeoverTimeout) && _lease == current)
            {
                logger.LogWarning("Writer of upload {UploadId} did not let go in time; taking its lease", UploadId);
                EndLease(current);
            }
        }
    }

    /// <summary>Ends the lease at once, for an upload that just became final: the writer hears why, nobody waits.</summary>
    private void StopWriterNow(StopReason reason)
    {
        if (_lease is { } lease)
        {
            EndLease(lease, reason);
        }
    }

    /// <summary>
    /// The one way a lease ends: it is no longer the grain's, a writer that must stop is told why, and
    /// whoever waits for the writer to let go is released.
    /// </summary>
    private void EndLease(WriterLease lease, StopReason? stop = null)
    {
        if (_lease == lease)
        {
            _lease = null;
            Upload.Writer = null;
            // With no writer, nothing is being uploaded (a failed write may have left the state so).
            if (Upload.State == UploadState.Uploading)
            {
                Upload.State = UploadState.Paused;
            }
        }

        if (stop is { } reason)
        {
            lease.RequestStop(reason);
        }

        lease.MarkReleased();
    }
}
