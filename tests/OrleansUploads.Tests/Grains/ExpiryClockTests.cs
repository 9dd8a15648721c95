using OrleansUploads.Abstractions;

namespace OrleansUploads.Tests.Grains;

/// <summary>The expiry rule against a fake clock: idle time counts from the last stored byte, and finished uploads never expire.</summary>
public sealed class ExpiryClockTests(FakeClockCluster cluster) : IClassFixture<FakeClockCluster>
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task An_upload_expires_only_once_it_saw_no_bytes_for_the_whole_period()
    {
        var grain = await CreateAsync(1000);
        var created = cluster.Clock.GetUtcNow();
        Assert.Equal(created + FakeClockCluster.ExpireAfter, (await StatusAsync(grain)).ExpiresAt);

        cluster.Clock.Advance(FakeClockCluster.ExpireAfter - Second);
        await TickAsync(grain);
        Assert.Equal(UploadState.Created, (await StatusAsync(grain)).State);

        cluster.Clock.Advance(2 * Second);
        await TickAsync(grain);
        var expired = await StatusAsync(grain);
        Assert.Equal((UploadState.Expired, (DateTimeOffset?)null), (expired.State, expired.ExpiresAt));
        Assert.Equal(WriteRefusal.Finished, (await grain.AcquireLeaseAsync(0, Writer(), "owner")).Refusal);
    }

    [Fact]
    public async Task Stored_bytes_push_the_expiry_back()
    {
        var grain = await CreateAsync(1000);
        cluster.Clock.Advance(FakeClockCluster.ExpireAfter / 2);
        var lease = (await grain.AcquireLeaseAsync(0, Writer(), "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(lease, 100);
        await grain.ReleaseLeaseAsync(lease, 100);
        var lastByte = cluster.Clock.GetUtcNow();

        cluster.Clock.Advance(FakeClockCluster.ExpireAfter - Second);
        await TickAsync(grain);
        var paused = await StatusAsync(grain);
        Assert.Equal((UploadState.Paused, lastByte + FakeClockCluster.ExpireAfter), (paused.State, paused.ExpiresAt));

        cluster.Clock.Advance(2 * Second);
        await TickAsync(grain);
        Assert.Equal(UploadState.Expired, (await StatusAsync(grain)).State);
    }

    [Fact]
    public async Task A_completed_upload_never_expires()
    {
        var grain = await CreateAsync(10);
        var lease = (await grain.AcquireLeaseAsync(0, Writer(), "owner")).LeaseId!.Value;
        await grain.CompleteAndProcessAsync(cluster.Client, lease, 10, "digest");

        cluster.Clock.Advance(10 * FakeClockCluster.ExpireAfter);
        await TickAsync(grain);

        var completed = await StatusAsync(grain);
        Assert.Equal((UploadState.Completed, (DateTimeOffset?)null), (completed.State, completed.ExpiresAt));
    }

    /// <summary>What the reminder service does when the expiry reminder comes due.</summary>
    private static Task TickAsync(IUploadGrain grain) =>
        grain.AsReference<IRemindable>().ReceiveReminder("expiry", default);

    private static async Task<UploadStatus> StatusAsync(IUploadGrain grain) => (await grain.GetStatusAsync("owner"))!;

    private async Task<IUploadGrain> CreateAsync(long size)
    {
        var grain = cluster.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));
        await grain.CreateAsync(new UploadCreation(size, null, null, null, "owner"));
        return grain;
    }

    private IUploadWriter Writer() => cluster.Client.CreateObjectReference<IUploadWriter>(new RecordingWriter());
}
