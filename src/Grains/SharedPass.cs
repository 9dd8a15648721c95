namespace OrleansUploads.Grains;

/// <summary>
/// A piece of work that callers arriving while it runs share instead of repeating (a reconcile pass
/// that asks every upload of a catalog or quota). Only for a reentrant grain's single thread.
/// </summary>
internal sealed class SharedPass(Func<Task> work)
{
    private Task? _running;

    public Task RunAsync() => _running is { IsCompleted: false } running ? running : _running = work();
}
