using Orleans.Streams;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Tests.Grains;

[Collection(GrainClusterCollection.Name)]
public sealed class UploadGrainTests(GrainClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_new_writer_takes_the_lease_over_after_the_old_one_lets_go_with_what_it_stored()
    {
        var grain = await CreateAsync(1000);
        var (oldWriter, oldReference) = Writer();
        var oldLease = (await grain.AcquireLeaseAsync(0, oldReference, "owner")).LeaseId!.Value;
        Assert.Equal(WriteVerdict.Continue, await grain.ReportStoredAsync(oldLease, 100));
        // The old writer, told to stop, hands in the bytes it stored since its last report.
        oldWriter.OnStop = _ => grain.ReleaseLeaseAsync(oldLease, 150);

        var (_, newReference) = Writer();
        var takeover = await grain.AcquireLeaseAsync(150, newReference, "owner").WaitAsync(Patience);

        Assert.Equal(StopReason.Superseded, await oldWriter.Stopped.WaitAsync(Patience));
        Assert.NotNull(takeover.LeaseId);
        Assert.Equal((UploadState.Uploading, 150L), (takeover.Status!.State, takeover.Status.BytesReceived));
        Assert.Equal(WriteVerdict.Stop, await grain.ReportStoredAsync(oldLease, 200));
        Assert.Equal(WriteVerdict.Continue, await grain.ReportStoredAsync(takeover.LeaseId!.Value, 200));
    }

    [Fact]
    public async Task A_writer_that_never_answers_loses_the_lease_after_the_takeover_timeout()
    {
        var grain = await CreateAsync(1000);
        var (_, silentReference) = Writer();
        var silentLease = (await grain.AcquireLeaseAsync(0, silentReference, "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(silentLease, 10);
        await grain.ReleaseLeaseAsync(silentLease, 10);
        silentLease = (await grain.AcquireLeaseAsync(10, silentReference, "owner")).LeaseId!.Value;

        var (_, newReference) = Writer();
        var takeover = await grain.AcquireLeaseAsync(10, newReference, "owner").WaitAsync(Patience);

        Assert.NotNull(takeover.LeaseId);
        Assert.Equal(10, takeover.Status!.BytesReceived);
    }

    [Fact]
    public async Task The_committed_offset_never_moves_back_nor_past_the_declared_size()
    {
        var grain = await CreateAsync(100);
        var (_, reference) = Writer();
        var lease = (await grain.AcquireLeaseAsync(0, reference, "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(lease, 60);

        Assert.Equal(WriteVerdict.Stop, await grain.ReportStoredAsync(lease, 101));
        Assert.Equal(WriteVerdict.Stop, await grain.ReportStoredAsync(lease, 30));
        var released = await grain.ReleaseLeaseAsync(lease, 60);
        Assert.Equal((UploadState.Paused, 60L), (released.State, released.BytesReceived));

        var mismatch = await grain.AcquireLeaseAsync(59, reference, "owner");
        Assert.Equal(WriteRefusal.OffsetMismatch, mismatch.Refusal);
        Assert.Equal(60, mismatch.Status!.BytesReceived);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await grain.CompleteAsync((await grain.AcquireLeaseAsync(60, reference, "owner")).LeaseId!.Value, 99, "x"));
    }

    [Fact]
    public async Task Cancel_stops_the_writer_and_refuses_every_later_write()
    {
        var grain = await CreateAsync(100);
        var (writer, reference) = Writer();
        var lease = (await grain.AcquireLeaseAsync(0, reference, "owner")).LeaseId!.Value;
        writer.OnStop = _ => grain.ReleaseLeaseAsync(lease, 40);

        var cancelled = await grain.CancelAsync("owner").WaitAsync(Patience);

        Assert.Equal(StopReason.Cancelled, await writer.Stopped);
        Assert.Equal(UploadState.Cancelled, cancelled!.State);
        Assert.Equal(WriteVerdict.Stop, await grain.ReportStoredAsync(lease, 50));
        Assert.Equal(WriteRefusal.Finished, (await grain.AcquireLeaseAsync(0, reference, "owner")).Refusal);
        Assert.Equal(UploadState.Cancelled, (await grain.GetStatusAsync("owner"))!.State);
        Assert.Null(await fixture.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N")).CancelAsync("owner"));
    }

    [Fact]
    public async Task Progress_is_published_on_the_uploads_stream_in_order_ending_with_the_completion()
    {
        var id = Guid.NewGuid().ToString("N");
        var events = new List<UploadStatus>();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = fixture.Client.GetStreamProvider(UploadStreams.Provider)
            .GetStream<UploadStatus>(StreamId.Create(UploadStreams.Namespace, id));
        var subscription = await stream.SubscribeAsync((status, _) =>
        {
            lock (events)
            {
                events.Add(status);
            }

            if (status.State == UploadState.Completed)
            {
                completed.TrySetResult();
            }

            return Task.CompletedTask;
        });

        var grain = fixture.Client.GetGrain<IUploadGrain>(id);
        await grain.CreateAsync(new UploadCreation(1000, "a.bin", null, null, "owner"));
        await grain.WatchAsync("owner");
        var (_, reference) = Writer();
        var lease = (await grain.AcquireLeaseAsync(0, reference, "owner")).LeaseId!.Value;
        for (var offset = 100; offset < 1000; offset += 100)
        {
            await grain.ReportStoredAsync(lease, offset);
        }

        await grain.CompleteAndProcessAsync(fixture.Client, lease, 1000, "digest");
        await completed.Task.WaitAsync(Patience);
        await subscription.UnsubscribeAsync();

        lock (events)
        {
            Assert.Equal(UploadState.Created, events[0].State);
            Assert.Equal((UploadState.Completed, 1000L, "digest"), (events[^1].State, events[^1].BytesReceived, events[^1].Sha256));
            Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.BytesReceived <= pair.Second.BytesReceived));
        }
    }

    [Fact]
    public async Task An_upload_publishes_its_changes_only_once_someone_watches_it()
    {
        var id = Guid.NewGuid().ToString("N");
        var seen = new List<UploadStatus>();
        var deleted = new TaskCompletionSource<UploadStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = await fixture.Client.GetStreamProvider(UploadStreams.Provider)
            .GetStream<UploadStatus>(StreamId.Create(UploadStreams.Namespace, id))
            .SubscribeAsync((status, _) =>
            {
                lock (seen)
                {
                    seen.Add(status);
                }

                if (status.State == UploadState.Deleted)
                {
                    deleted.TrySetResult(status);
                }

                return Task.CompletedTask;
            });

        var grain = fixture.Client.GetGrain<IUploadGrain>(id);
        var (_, reference) = Writer();
        var lease = (await grain.CreateWritingAsync(new UploadCreation(1000, "a.bin", null, null, "owner"), reference, 1000)).LeaseId!.Value;
        await grain.ReportStoredAsync(lease, 500);
        await grain.CompleteAsync(lease, 1000, "digest", nothingToProcess: true);
        Assert.Null(await grain.WatchAsync("someone else"));

        var watched = await grain.WatchAsync("owner");
        Assert.Equal(watched!.Sequence, (await grain.WatchAsync("owner"))!.Sequence);
        await grain.CancelAsync("owner");
        var last = await deleted.Task.WaitAsync(Patience);
        await subscription.UnsubscribeAsync();

        // A stream delivers in order: anything published before the watch would have come first.
        lock (seen)
        {
            Assert.Equal([(UploadState.Completed, watched.Sequence), (UploadState.Deleted, last.Sequence)], seen.Select(s => (s.State, s.Sequence)));
        }
    }

    [Fact]
    public async Task A_creation_with_a_body_is_stored_once_with_its_writer_holding_the_lease()
    {
        var grain = fixture.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));
        var (_, reference) = Writer();

        var grant = await grain.CreateWritingAsync(new UploadCreation(1000, "a.bin", null, null, "owner"), reference, 1000);

        Assert.NotNull(grant.LeaseId);
        Assert.Equal((UploadState.Uploading, 1L, 1L), (grant.Status!.State, grant.Status.Sequence, grant.Epoch));
        Assert.Equal(WriteVerdict.Continue, await grain.ReportStoredAsync(grant.LeaseId!.Value, 400));
        Assert.Equal(UploadState.Completed, (await grain.CompleteAsync(grant.LeaseId!.Value, 1000, "digest", nothingToProcess: true)).State);
    }

    [Fact]
    public async Task A_creation_with_a_body_it_cannot_take_creates_the_upload_and_refuses_the_body()
    {
        var (_, reference) = Writer();
        var tooLong = fixture.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));
        var empty = fixture.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));

        var refused = await tooLong.CreateWritingAsync(new UploadCreation(10, null, null, null, "owner"), reference, 11);
        var finished = await empty.CreateWritingAsync(new UploadCreation(0, null, null, null, "owner"), reference, 0);

        Assert.Equal((null, WriteRefusal.TooLarge, UploadState.Created), (refused.LeaseId, refused.Refusal, refused.Status!.State));
        Assert.Equal((null, WriteRefusal.Finished, UploadState.Completed), (finished.LeaseId, finished.Refusal, finished.Status!.State));
    }

    private async Task<IUploadGrain> CreateAsync(long size)
    {
        var grain = fixture.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));
        await grain.CreateAsync(new UploadCreation(size, null, null, null, "owner"));
        return grain;
    }

    private (RecordingWriter Writer, IUploadWriter Reference) Writer()
    {
        var writer = new RecordingWriter();
        return (writer, fixture.Client.CreateObjectReference<IUploadWriter>(writer));
    }
}
