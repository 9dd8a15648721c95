using OrleansUploads.Abstractions;

namespace OrleansUploads.Tests.Grains;

/// <summary>
/// The grain tells a writer each offset it stores only when the writer listens (a draft request that
/// sends 104 progress). A tus request never does; a message to it costs a call per report, and one
/// that arrives just after its request ended made the API log an error for a grain it no longer knew.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class CommittedOffsetTests(GrainClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_writer_that_does_not_listen_is_not_told_the_stored_offsets()
    {
        var grain = fixture.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));
        await grain.CreateAsync(new UploadCreation(1000, null, null, null, "owner"));
        var quiet = new RecordingWriter();
        var lease = (await grain.AcquireLeaseAsync(0, fixture.Client.CreateObjectReference<IUploadWriter>(quiet), "owner")).LeaseId!.Value;

        await grain.ReportStoredAsync(lease, 100);
        // Stored once the progress interval is up, while the writer still holds the lease.
        await Eventually.UntilAsync(async () => (await grain.GetStatusAsync("owner"))!.BytesReceived, stored => stored == 100, Patience, "the offset to be stored");
        await grain.ReleaseLeaseAsync(lease, 100);
        // A writer that listens, acquired after, hears its own offset: by then any message to the first has come.
        var listening = new RecordingWriter();
        var next = (await grain.AcquireLeaseAsync(100, fixture.Client.CreateObjectReference<ICommitListeningWriter>(listening), "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(next, 200);
        await Eventually.UntilAsync(() => Task.FromResult(listening.Committed.Count), count => count > 0, Patience, "the listening writer to hear its offset");
        await grain.ReleaseLeaseAsync(next, 200);

        Assert.Empty(quiet.Committed);
        Assert.Equal([200L], listening.Committed);
    }
}
