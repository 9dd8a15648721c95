using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// After the bytes: verifying, then the processors one stage at a time, then completed or failed. The
/// API does the work; the grain holds who does it (a claim, the same lease writers hold, so a cancel
/// stops it the same way; one holder at a time) and records each stage before it is published. A claim
/// whose holder goes quiet for <see cref="UploadGrainOptions.ProcessingSilence"/> is dropped and the
/// upload queued again, so processing outlives the process that began it.
/// </summary>
public sealed partial class UploadGrain
{
    private DateTimeOffset _lastStageReportAt;
    private double? _stageProgress;
    private IGrainTimer? _processingWatch;

    public Task<LeaseGrant> ClaimProcessingAsync(IUploadWriter processor, CancellationToken cancellationToken = default)
    {
        if (GrantHeldBy(processor) is { } again)
        {
            return Task.FromResult(again);
        }

        WriteRefusal? refusal = !Upload.State.IsAfterBytes() ? WriteRefusal.Finished : _lease is not null ? WriteRefusal.Processing : null;
        if (refusal is not null)
        {
            return Task.FromResult(new LeaseGrant(null, refusal, Snapshot()));
        }

        // Never taken from a live holder: one that fell silent is dropped by the watch below.
        var claim = new WriterLease(Guid.NewGuid(), processor);
        _lease = claim;
        _lastStageReportAt = clock.GetUtcNow();
        WatchProcessing();
        return Task.FromResult(new LeaseGrant(claim.Id, null, Snapshot(), Upload.LeaseEpoch, _options.ProcessingSilence / 3));
    }

    public Task LetGoOfProcessingAsync(Guid claimId, CancellationToken cancellationToken = default)
    {
        if (_lease is { } claim && claim.Id == claimId)
        {
            EndLease(claim);
        }

        return Task.CompletedTask;
    }

    public async Task<WriteVerdict> ReportStageAsync(Guid claimId, string stage, double? progress = null, CancellationToken cancellationToken = default)
    {
        if (_lease?.Id != claimId || !Upload.State.IsAfterBytes())
        {
            return WriteVerdict.Stop;
        }

        _lastStageReportAt = clock.GetUtcNow();
        if (Upload.State != UploadState.Processing || Upload.Stage != stage)
        {
            Upload.State = UploadState.Processing;
            Upload.Stage = stage;
            _stageProgress = progress;
            await PersistAndPublishAsync();
        }
        else if (progress != _stageProgress)
        {
            // How far a stage has got goes out at most once per progress interval, like bytes do; a
            // status read in between shows it at once.
            _stageProgress = progress;
            if (clock.GetUtcNow() - _lastCommitAt >= _options.ProgressInterval)
            {
                await PersistAndPublishAsync();
            }
        }

        return _lease?.StopRequested == true ? WriteVerdict.Stop : WriteVerdict.Continue;
    }

    public async Task<UploadStatus> FinishProcessingAsync(Guid claimId, string? error, CancellationToken cancellationToken = default)
    {
        if (_lease is not { } claim || claim.Id != claimId)
        {
            return Snapshot();
        }

        try
        {
            // Ended otherwise meanwhile (a cancel): the claim still ends, so nobody waits for it.
            if (Upload.State.IsAfterBytes())
            {
                _stageProgress = null;
                await FinishAsync(error is null ? UploadState.Completed : UploadState.Failed, error);
            }
        }
        finally
        {
            EndLease(claim);
        }

        return Snapshot();
    }

    /// <summary>Every byte is stored: on to verifying, and to whoever processes it (the API that stored the last byte, or a sweep).</summary>
    private async Task BeginVerifyingAsync()
    {
        StopTrailingProgress();
        _rate.Stop();
        Upload.State = UploadState.Verifying;
        Upload.Stage = null;
        await PersistAndPublishAsync();
        WatchProcessing();
    }

    /// <summary>While an upload is past its bytes, something looks after it: on entering that state, on a claim, and on every activation.</summary>
    private void WatchProcessing() => _processingWatch ??= this.RegisterGrainTimer(
        WatchProcessingAsync, new GrainTimerCreationOptions { DueTime = _options.ProcessingSilence, Period = _options.ProcessingSilence });

    /// <summary>Nobody claimed the processing, or its holder fell silent (its process died): queue it for the next sweep.</summary>
    private async Task WatchProcessingAsync(CancellationToken cancellationToken)
    {
        if (!Upload.State.IsAfterBytes())
        {
            StopProcessingWatch();
            return;
        }

        if (_lease is { } claim && clock.GetUtcNow() - _lastStageReportAt >= _options.ProcessingSilence)
        {
            EndLease(claim, StopReason.Superseded);
        }

        if (_lease is null)
        {
            await QueueAsync(UploadQueues.Completing);
        }
    }

    private void StopProcessingWatch()
    {
        _processingWatch?.Dispose();
        _processingWatch = null;
    }

    /// <summary>Verifying or processing with nobody at it: after a restart, or once its holder was dropped.</summary>
    private bool AwaitsProcessing => Upload.State.IsAfterBytes() && _lease is null;
}
