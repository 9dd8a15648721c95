using OrleansUploads.Abstractions;
using OrleansUploads.Grains;

namespace OrleansUploads.Tests.Grains;

/// <summary>Retention against a fake clock: completed uploads go after their keep period, ended ones are forgotten.</summary>
public sealed class RetentionClockTests(RetentionClockTests.Cluster cluster) : IClassFixture<RetentionClockTests.Cluster>
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    public sealed class Cluster : FakeClockCluster
    {
        public static readonly TimeSpan KeepCompletedFor = TimeSpan.FromHours(2);
        public static readonly TimeSpan ForgetEndedAfter = TimeSpan.FromHours(3);

        protected override void Configure(UploadGrainOptions options)
        {
            base.Configure(options);
            options.KeepCompletedFor = KeepCompletedFor;
            options.ForgetEndedAfter = ForgetEndedAfter;
        }
    }

    [Fact]
    public async Task A_completed_upload_is_deleted_once_its_keep_period_is_over_and_its_bytes_are_queued_for_deletion()
    {
        var grain = await CreateAsync(10);
        var lease = (await grain.AcquireLeaseAsync(0, Writer(), "owner")).LeaseId!.Value;
        await grain.CompleteAndProcessAsync(cluster.Client, lease, 10, "digest");

        cluster.Clock.Advance(Cluster.KeepCompletedFor - Second);
        await TickAsync(grain);
        Assert.Equal(UploadState.Completed, (await StatusAsync(grain))!.State);

        cluster.Clock.Advance(2 * Second);
        await TickAsync(grain);
        Assert.Equal(UploadState.Deleted, (await StatusAsync(grain))!.State);

        // The reminder service may deliver the same tick on its own (it can read the moved clock), and
        // then this tick returns once the deletion is stored, a moment before its bytes are queued.
        var discarded = cluster.Client.GetGrain<IUploadQueueGrain>(UploadQueues.Discarded);
        await Eventually.UntilAsync(
            () => discarded.PeekAsync(100_000), queued => queued.Contains(grain.GetPrimaryKeyString()),
            TimeSpan.FromSeconds(10), "the deleted upload's bytes to be queued for deletion");
    }

    [Theory]
    [InlineData(UploadState.Cancelled)]
    [InlineData(UploadState.Expired)]
    [InlineData(UploadState.Deleted)]
    [InlineData(UploadState.Failed)]
    public async Task An_ended_upload_is_forgotten_after_a_while_and_its_id_becomes_unknown(UploadState ending)
    {
        var grain = await EndAsync(ending);
        Assert.Equal(ending, (await StatusAsync(grain))!.State);

        cluster.Clock.Advance(Cluster.ForgetEndedAfter - Second);
        await TickAsync(grain);
        Assert.Equal(ending, (await StatusAsync(grain))!.State);
        Assert.True(await cluster.StoresRecordOfAsync(grain), "the ended upload's record is kept for its retention");

        cluster.Clock.Advance(2 * Second);
        await TickAsync(grain);
        Assert.Null(await StatusAsync(grain));
        Assert.Null(await grain.PeekAsync());
        Assert.False(await cluster.StoresRecordOfAsync(grain), "the forgotten upload's record is still in grain storage");
    }

    /// <summary>An upload brought to <paramref name="ending"/> the way the service brings one there.</summary>
    private async Task<IUploadGrain> EndAsync(UploadState ending)
    {
        switch (ending)
        {
            case UploadState.Cancelled:
                var cancelled = await CreateAsync(1000);
                await cancelled.CancelAsync("owner");
                return cancelled;
            case UploadState.Expired:
                var expired = await CreateAsync(1000);
                cluster.Clock.Advance(FakeClockCluster.ExpireAfter + Second);
                await TickAsync(expired);
                return expired;
            case UploadState.Deleted:
                // A completed upload deleted by its owner (DELETE, or the hub's Cancel).
                var deleted = await CreateAsync(10);
                var lease = (await deleted.AcquireLeaseAsync(0, Writer(), "owner")).LeaseId!.Value;
                await deleted.CompleteAndProcessAsync(cluster.Client, lease, 10, "digest");
                await deleted.CancelAsync("owner");
                return deleted;
            case UploadState.Failed:
                var failed = await CreateAsync(1000);
                await failed.FailAsync("Stored data was lost.");
                return failed;
            default:
                throw new ArgumentOutOfRangeException(nameof(ending), ending, "not an ending this test covers");
        }
    }

    /// <summary>What the reminder service does when the reminder comes due.</summary>
    private static Task TickAsync(IUploadGrain grain) =>
        grain.AsReference<IRemindable>().ReceiveReminder("expiry", default);

    private static Task<UploadStatus?> StatusAsync(IUploadGrain grain) => grain.GetStatusAsync("owner");

    private async Task<IUploadGrain> CreateAsync(long size)
    {
        var grain = cluster.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));
        await grain.CreateAsync(new UploadCreation(size, null, null, null, "owner"));
        return grain;
    }

    private IUploadWriter Writer() => cluster.Client.CreateObjectReference<IUploadWriter>(new RecordingWriter());
}
