using Orleans.Streams;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Tests.Grains;

/// <summary>
/// A lease whose writer sent no report for the writer silence (a second in the test cluster): the
/// grain asks the writer once. One that answers keeps writing, as a request whose client merely
/// stalls does; one that does not (its process died) loses the lease, and the upload shows paused.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class WriterSilenceTests(GrainClusterFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_silent_writer_that_answers_keeps_its_lease()
    {
        var grain = await CreateAsync(1000);
        var writer = new RecordingWriter();
        var lease = (await grain.AcquireLeaseAsync(0, fixture.Client.CreateObjectReference<IUploadWriter>(writer), "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(lease, 100);

        // Asked a second time only after a silence that follows its first answer.
        await writer.Asked.WaitAsync(Patience);
        await writer.AskedAgain.WaitAsync(Patience);

        Assert.Equal(UploadState.Uploading, (await grain.GetStatusAsync("owner"))!.State);
        Assert.Equal(WriteVerdict.Continue, await grain.ReportStoredAsync(lease, 200));
        Assert.False(writer.Stopped.IsCompleted);
    }

    [Fact]
    public async Task A_silent_writer_that_does_not_answer_loses_its_lease_and_the_upload_is_paused_at_its_offset()
    {
        var id = Guid.NewGuid().ToString("N");
        var paused = new TaskCompletionSource<UploadStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = await fixture.Client.GetStreamProvider(UploadStreams.Provider)
            .GetStream<UploadStatus>(StreamId.Create(UploadStreams.Namespace, id))
            .SubscribeAsync((status, _) =>
            {
                if (status.State == UploadState.Paused)
                {
                    paused.TrySetResult(status);
                }

                return Task.CompletedTask;
            });
        var grain = fixture.Client.GetGrain<IUploadGrain>(id);
        await grain.CreateAsync(new UploadCreation(1000, null, null, null, "owner"));
        await grain.WatchAsync("owner");
        var writer = new RecordingWriter { Answers = false };
        var lease = (await grain.AcquireLeaseAsync(0, fixture.Client.CreateObjectReference<IUploadWriter>(writer), "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(lease, 100);

        var heard = await paused.Task.WaitAsync(Patience);
        await subscription.UnsubscribeAsync();

        Assert.Equal(100, heard.BytesReceived);
        await writer.Asked.WaitAsync(Patience);
        var status = (await grain.GetStatusAsync("owner"))!;
        Assert.Equal((UploadState.Paused, 100L), (status.State, status.BytesReceived));
        Assert.Equal(WriteVerdict.Stop, await grain.ReportStoredAsync(lease, 200));
        var next = await grain.AcquireLeaseAsync(100, fixture.Client.CreateObjectReference<IUploadWriter>(new RecordingWriter()), "owner");
        Assert.Equal((UploadState.Uploading, 100L), (next.Status!.State, next.Status.BytesReceived));
    }

    private async Task<IUploadGrain> CreateAsync(long size)
    {
        var grain = fixture.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));
        await grain.CreateAsync(new UploadCreation(size, null, null, null, "owner"));
        return grain;
    }
}
