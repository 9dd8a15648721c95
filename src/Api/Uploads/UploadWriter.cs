using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// A request that holds an upload's lease, reachable by the grain as an observer: when the grain
/// says stop, the body read in flight is cancelled at once rather than at the next report; when it
/// stored an offset, the request may tell its client.
/// </summary>
internal sealed class UploadWriter(Action<long>? committed) : IUploadWriter, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public StopReason? Reason { get; private set; }

    public CancellationToken Stopping => _stop.Token;

    public Task StopWriting(StopReason reason)
    {
        // A cancel outranks whatever stopped the writer first: the request then answers that the upload is gone.
        Reason = reason == StopReason.Cancelled ? reason : Reason ?? reason;
        _stop.Cancel();
        return Task.CompletedTask;
    }

    // Answering at all is the answer: a writer told to stop is still alive until it lets go, with what it stored.
    public Task<bool> IsWriting() => Task.FromResult(true);

    public Task OffsetCommitted(long offset)
    {
        committed?.Invoke(offset);
        return Task.CompletedTask;
    }

    public void Dispose() => _stop.Dispose();
}
