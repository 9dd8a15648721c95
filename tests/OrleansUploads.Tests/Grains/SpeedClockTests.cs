using OrleansUploads.Abstractions;

namespace OrleansUploads.Tests.Grains;

/// <summary>The speed and time left a status shows, against a fake clock: no time left is given for a speed shown as nothing.</summary>
public sealed class SpeedClockTests(FakeClockCluster cluster) : IClassFixture<FakeClockCluster>
{
    [Fact]
    public async Task A_status_whose_speed_shows_zero_gives_no_time_left()
    {
        var grain = cluster.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));
        await grain.CreateAsync(new UploadCreation(1_000_000, null, null, null, "owner"));
        var lease = (await grain.AcquireLeaseAsync(0, cluster.Client.CreateObjectReference<IUploadWriter>(new RecordingWriter()), "owner")).LeaseId!.Value;
        cluster.Clock.Advance(TimeSpan.FromMilliseconds(100));
        await grain.ReportStoredAsync(lease, 1000);

        var flowing = (await grain.GetStatusAsync("owner"))!;
        Assert.Equal((10_000d, (double?)99.9), (flowing.BytesPerSecond, flowing.EtaSeconds));

        // The client stalls: the speed fades until it shows as nothing, and the time left goes with it.
        cluster.Clock.Advance(TimeSpan.FromMinutes(1));
        var stalled = (await grain.GetStatusAsync("owner"))!;

        Assert.Equal((UploadState.Uploading, 0d, (double?)null), (stalled.State, stalled.BytesPerSecond, stalled.EtaSeconds));
    }
}
