using OrleansUploads.Abstractions;

namespace OrleansUploads.Tests.Grains;

/// <summary>Who processes an upload after its bytes: one holder at a time, stopped by a cancel, replaced when it falls silent.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ProcessingClaimTests(GrainClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Only_one_holder_processes_at_a_time_and_a_cancel_tells_it_to_stop()
    {
        var grain = await StoredAsync();
        var (first, firstReference) = Holder();
        var claim = (await grain.ClaimProcessingAsync(firstReference)).LeaseId!.Value;

        var second = await grain.ClaimProcessingAsync(Holder().Reference);
        Assert.Equal((null, WriteRefusal.Processing), (second.LeaseId, second.Refusal));
        Assert.Equal(WriteVerdict.Continue, await grain.ReportStageAsync(claim, "scan"));
        var processing = await grain.PeekAsync();
        Assert.Equal((UploadState.Processing, "scan"), (processing!.State, processing.Stage));

        await grain.CancelAsync("owner");

        Assert.Equal(StopReason.Cancelled, await first.Stopped.WaitAsync(Patience));
        Assert.Equal(WriteVerdict.Stop, await grain.ReportStageAsync(claim, "scan"));
        Assert.Equal(UploadState.Cancelled, (await grain.FinishProcessingAsync(claim, error: null)).State);
    }

    [Fact]
    public async Task A_holder_that_falls_silent_loses_its_claim_and_the_upload_is_queued_to_be_processed_again()
    {
        var grain = await StoredAsync();
        var (silent, silentReference) = Holder();
        var claim = (await grain.ClaimProcessingAsync(silentReference)).LeaseId!.Value;

        Assert.Equal(StopReason.Superseded, await silent.Stopped.WaitAsync(Patience));
        var queue = fixture.Client.GetGrain<IUploadQueueGrain>(UploadQueues.Completing);
        await Eventually.UntilAsync(() => queue.PeekAsync(100_000), queued => queued.Contains(grain.GetPrimaryKeyString()), Patience, "the upload to be queued again");

        Assert.NotNull((await grain.ClaimProcessingAsync(Holder().Reference)).LeaseId);
        Assert.Equal(WriteVerdict.Stop, await grain.ReportStageAsync(claim, "scan"));
    }

    [Fact]
    public async Task A_failed_stage_fails_the_upload_with_its_name_and_message_once()
    {
        var grain = await StoredAsync();
        var claim = (await grain.ClaimProcessingAsync(Holder().Reference)).LeaseId!.Value;
        await grain.ReportStageAsync(claim, "scan");

        var failed = await grain.FinishProcessingAsync(claim, "It carries a virus.");
        var again = await grain.FinishProcessingAsync(claim, error: null);

        Assert.Equal((UploadState.Failed, "scan", "It carries a virus."), (failed.State, failed.Stage, failed.Error));
        Assert.Equal(failed, again);
        Assert.Equal(WriteRefusal.Finished, (await grain.AcquireLeaseAsync(0, Holder().Reference, "owner")).Refusal);
    }

    [Fact]
    public async Task A_writer_with_nothing_to_process_completes_the_upload_at_once_and_nobody_can_claim_it()
    {
        var grain = fixture.Client.GetGrain<IUploadGrain>(Guid.CreateVersion7().ToString("N"));
        await grain.CreateAsync(new UploadCreation(100, "a.bin", null, null, "owner"));
        var lease = (await grain.AcquireLeaseAsync(0, Holder().Reference, "owner")).LeaseId!.Value;

        var completed = await grain.CompleteAsync(lease, 100, "digest", nothingToProcess: true);
        var again = await grain.CompleteAsync(lease, 100, "digest", nothingToProcess: true);

        Assert.Equal((UploadState.Completed, "digest", 100L), (completed.State, completed.Sha256, completed.BytesReceived));
        Assert.NotNull(completed.CompletedAt);
        Assert.Equal(completed, again);
        Assert.Equal(WriteRefusal.Finished, (await grain.ClaimProcessingAsync(Holder().Reference)).Refusal);
        Assert.DoesNotContain(grain.GetPrimaryKeyString(), await fixture.Client.GetGrain<IUploadCatalogGrain>("owner").GetPageAsync(null, 100_000));
    }

    /// <summary>An upload whose last byte was stored: verifying, with nobody processing it yet.</summary>
    private async Task<IUploadGrain> StoredAsync()
    {
        var grain = fixture.Client.GetGrain<IUploadGrain>(Guid.CreateVersion7().ToString("N"));
        await grain.CreateAsync(new UploadCreation(100, "a.bin", null, null, "owner"));
        var lease = (await grain.AcquireLeaseAsync(0, Holder().Reference, "owner")).LeaseId!.Value;
        Assert.Equal(UploadState.Verifying, (await grain.CompleteAsync(lease, 100, "digest")).State);
        return grain;
    }

    private (RecordingWriter Holder, IUploadWriter Reference) Holder()
    {
        var holder = new RecordingWriter();
        return (holder, fixture.Client.CreateObjectReference<IUploadWriter>(holder));
    }
}
