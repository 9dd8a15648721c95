using OrleansUploads.Abstractions;

namespace OrleansUploads.Tests.Grains;

/// <summary>A writer as the grain sees it; records the stop it is told, and can answer it like a real writer.</summary>
public sealed class RecordingWriter : IUploadWriter
{
    private readonly TaskCompletionSource<StopReason> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<StopReason> Stopped => _stopped.Task;

    public Func<StopReason, Task>? OnStop { get; set; }

    public Task<bool> IsWriting() => Task.FromResult(true);

    public Task OffsetCommitted(long offset) => Task.CompletedTask;

    public Task StopWriting(StopReason reason)
    {
        _stopped.TrySetResult(reason);
        return OnStop?.Invoke(reason) ?? Task.CompletedTask;
    }
}
