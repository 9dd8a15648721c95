using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>The single request allowed to write an upload. Lives in the grain's memory, and survives only a graceful handover to the next activation.</summary>
internal sealed class WriterLease(Guid id, IUploadWriter writer)
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Guid Id { get; } = id;

    /// <summary>Whether this lease was granted to <paramref name="other"/>, the same request asking again.</summary>
    public bool IsHeldBy(IUploadWriter other) => writer.Equals(other);

    public bool StopRequested { get; private set; }

    /// <summary>Tells the writer to stop, once: the first reason is the one it acts on.</summary>
    public void RequestStop(StopReason reason)
    {
        if (StopRequested)
        {
            return;
        }

        StopRequested = true;
        // One-way: a writer whose process is gone must not hold up the grain.
        _ = writer.StopWriting(reason);
    }

    /// <summary>One-way, like a stop, and only to a writer that listens: it may tell its client how far the upload is stored.</summary>
    public void TellCommitted(long offset)
    {
        if (writer is ICommitListeningWriter listener)
        {
            _ = listener.OffsetCommitted(offset);
        }
    }

    public void MarkReleased() => _released.TrySetResult();

    /// <summary>Whether the writer answers within <paramref name="patience"/> that it still writes; false when it is gone.</summary>
    public async Task<bool> AnswersAsync(TimeSpan patience)
    {
        try
        {
            return await writer.IsWriting().WaitAsync(patience);
        }
        catch (Exception)
        {
            // Its process died, or the request ended without letting go: either way nobody writes.
            return false;
        }
    }

    /// <summary>True when the writer let go in time; false when it never answered.</summary>
    public async Task<bool> WaitReleasedAsync(TimeSpan timeout)
    {
        try
        {
            await _released.Task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
