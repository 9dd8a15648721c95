using OrleansUploads.Abstractions;

namespace OrleansUploads.Tests.Grains;

/// <summary>A writer as the grain sees it; records the stop and the offsets it is told, and can answer like a real writer.</summary>
public sealed class RecordingWriter : ICommitListeningWriter
{
    private readonly TaskCompletionSource<StopReason> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _askedAgain = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _questions;

    public Task<StopReason> Stopped => _stopped.Task;

    /// <summary>Completes when the grain first asks whether this writer is still writing.</summary>
    public Task Asked => _asked.Task;

    /// <summary>Completes when the grain asks a second time, so it has had the first answer.</summary>
    public Task AskedAgain => _askedAgain.Task;

    public Func<StopReason, Task>? OnStop { get; set; }

    /// <summary>False for a writer as the grain finds one whose process died: the question is never answered.</summary>
    public bool Answers { get; init; } = true;

    public Task<bool> IsWriting()
    {
        (Interlocked.Increment(ref _questions) == 1 ? _asked : _askedAgain).TrySetResult();
        return Answers ? Task.FromResult(true) : new TaskCompletionSource<bool>().Task;
    }

    /// <summary>The offsets the grain said it stored, in the order they came.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<long> Committed { get; } = new();

    public Task OffsetCommitted(long offset)
    {
        Committed.Enqueue(offset);
        return Task.CompletedTask;
    }

    public Task StopWriting(StopReason reason)
    {
        _stopped.TrySetResult(reason);
        return OnStop?.Invoke(reason) ?? Task.CompletedTask;
    }
}
