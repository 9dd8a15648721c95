using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Hooks;
using OrleansUploads.Api.Storage;
using OrleansUploads.Api.Uploads;
using OrleansUploads.Tests.Infrastructure;

namespace OrleansUploads.Tests.Grains;

/// <summary>The API's processing run against the real grain and a real file store, with a processor that takes its time.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ProcessingRunTests(GrainClusterFixture fixture) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly string _folder = DataFolder.New("processing-run");

    [Fact]
    public async Task A_cancel_during_processing_stops_the_processor_and_the_upload_ends_cancelled()
    {
        var store = new FileUploadStore(_folder, flushToDisk: false);
        var slow = new SlowProcessor();
        var processing = new UploadProcessing(fixture.Client, store, [slow], Counters.New(), new UploadDrain(), NullLogger<UploadProcessing>.Instance);
        var grain = await StoredAsync(store);

        var run = processing.RunAsync(grain, (await grain.PeekAsync())!, Patience);
        await slow.Started.WaitAsync(Patience);
        Assert.Equal((UploadState.Processing, "slow", 0.5), await StateAsync(grain));
        await grain.CancelAsync("owner");

        Assert.True(await slow.Cancelled.WaitAsync(Patience));
        Assert.Equal(UploadState.Cancelled, (await run).State);
    }

    [Fact]
    public async Task A_repeated_run_joins_the_one_under_way_and_the_processor_runs_once()
    {
        var store = new FileUploadStore(_folder, flushToDisk: false);
        var slow = new SlowProcessor { Release = new TaskCompletionSource() };
        var processing = new UploadProcessing(fixture.Client, store, [slow], Counters.New(), new UploadDrain(), NullLogger<UploadProcessing>.Instance);
        var grain = await StoredAsync(store);
        var status = (await grain.PeekAsync())!;

        var first = processing.RunAsync(grain, status, Patience);
        await slow.Started.WaitAsync(Patience);
        var second = processing.RunAsync(grain, status, Patience);
        slow.Release.SetResult();

        Assert.Equal([UploadState.Completed, UploadState.Completed], (await Task.WhenAll(first, second)).Select(s => s.State));
        Assert.Equal(1, slow.Runs);
    }

    private async Task<IUploadGrain> StoredAsync(IUploadStore store)
    {
        var id = Guid.CreateVersion7().ToString("N");
        await store.CreateAsync(id, CancellationToken.None);
        var grain = fixture.Client.GetGrain<IUploadGrain>(id);
        await grain.CreateAsync(new UploadCreation(3, "a.bin", null, null, "owner"));
        var grant = await grain.AcquireLeaseAsync(0, fixture.Client.CreateObjectReference<IUploadWriter>(new RecordingWriter()), "owner");
        await using (var file = await store.OpenAppendAsync(id, 0, grant.Epoch, CancellationToken.None))
        {
            await file.WriteAsync(new byte[] { 1, 2, 3 });
        }

        await grain.CompleteAsync(grant.LeaseId!.Value, 3, "digest");
        return grain;
    }

    private static async Task<(UploadState, string?, double?)> StateAsync(IUploadGrain grain) =>
        (await grain.PeekAsync()) is { } s ? (s.State, s.Stage, s.StageProgress) : default;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class SlowProcessor : IUploadProcessor
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<bool> _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _runs;

        public Task Started => _started.Task;
        public Task<bool> Cancelled => _cancelled.Task;
        public int Runs => _runs;
        public TaskCompletionSource? Release { get; init; }

        public string Name => "slow";

        public bool AppliesTo(UploadStatus upload) => true;

        public async Task ProcessAsync(UploadProcessingContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _runs);
            await context.ReportProgressAsync(0.5);
            _started.TrySetResult();
            try
            {
                await (Release?.Task ?? Task.Delay(Timeout.Infinite)).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                _cancelled.TrySetResult(true);
                throw;
            }
        }
    }
}
