using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;
using OrleansUploads.Api.Uploads;
using OrleansUploads.Tests.Infrastructure;

namespace OrleansUploads.Tests.Grains;

/// <summary>The API's sweeper against the real queue grain and a store that fails one delete on demand.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class QueueSweeperTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_delete_that_fails_stays_queued_and_is_retried_while_the_others_are_done()
    {
        var queue = fixture.Client.GetGrain<IUploadQueueGrain>(UploadQueues.Discarded);
        string[] ids = [Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N")];
        foreach (var id in ids)
        {
            await queue.AddAsync(id);
        }

        var store = new StoreThatFailsOneDelete(ids[1]);
        using var sweeper = new UploadQueueSweeper(fixture.Client, store, new StoredCompletion(store, new UploadProcessing(fixture.Client, store, [], Counters.New(), new UploadDrain(), NullLogger<UploadProcessing>.Instance), Options.Create(new UploadApiOptions())), TimeProvider.System,
            Options.Create(new UploadApiOptions { SweepInterval = TimeSpan.FromMilliseconds(20) }), NullLogger<UploadQueueSweeper>.Instance);
        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.UntilAsync(() => Task.FromResult(store.Deleted), deleted => deleted.Contains(ids[0]) && deleted.Contains(ids[2]),
                TimeSpan.FromSeconds(10), "the other deletes");
            Assert.Contains(ids[1], await queue.PeekAsync(100_000));

            store.Failing = false;
            await Eventually.UntilAsync(() => queue.PeekAsync(100_000), queued => !queued.Intersect(ids).Any(), TimeSpan.FromSeconds(10), "the failed delete to be retried");
            Assert.Contains(ids[1], store.Deleted);
        }
        finally
        {
            await sweeper.StopAsync(CancellationToken.None);
        }
    }

    private sealed class StoreThatFailsOneDelete(string failing) : IUploadStore
    {
        private readonly List<string> _deleted = [];

        public bool Failing { get; set; } = true;

        public IReadOnlyList<string> Deleted
        {
            get
            {
                lock (_deleted)
                {
                    return [.. _deleted];
                }
            }
        }

        public Task DeleteAsync(string uploadId, CancellationToken cancellationToken)
        {
            if (Failing && uploadId == failing)
            {
                throw new IOException("The disk refused the delete.");
            }

            lock (_deleted)
            {
                _deleted.Add(uploadId);
            }

            return Task.CompletedTask;
        }

        public Task CreateAsync(string uploadId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<long?> GetLengthAsync(string uploadId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<UploadAppendStream> OpenAppendAsync(string uploadId, long offset, long epoch, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task TruncateAsync(string uploadId, long length, long epoch, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<Stream> OpenReadAsync(string uploadId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
