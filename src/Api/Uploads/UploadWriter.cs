using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// A request that holds an upload's lease, reachable by the grain as an observer: when the grain
/// says stop, the body read in flight is cancelled at once rather than at the next report; when it
/// stored an offset, the request may tell its client.
/// </summary>
internal sealed class UploadWriter(Action<long>? committed) : ICommitListeningWriter, IDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <summary>
    /// This writer as the grain will see it: one that listens for stored offsets only when its request
    /// tells its client of them. Deleted with <see cref="IGrainFactory.DeleteObjectReference{TGrainObserverInterface}"/> as an <see cref="IUploadWriter"/>.
    /// </summary>
    public IUploadWriter ReferenceIn(IGrainFactory grains) =>
        committed is null ? grains.CreateObjectReference<IUploadWriter>(this) : grains.CreateObjectReference<ICommitListeningWriter>(this);

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
