namespace OrleansUploads.Api.Uploads;

/// <summary>
/// The instance on its way out: once draining, it takes no new upload requests, and the ones in
/// flight run until they end or until the drain's deadline, when their bodies are cut with what
/// arrived committed. Clients then resume at another instance.
/// </summary>
public sealed class UploadDrain : IDisposable
{
    private readonly CancellationTokenSource _deadline = new();
    private readonly object _gate = new();
    private TaskCompletionSource _idle = Completed();
    private int _inFlight;

    public bool IsDraining { get; private set; }

    /// <summary>Cancelled when the drain's time is up: bodies still arriving are cut then.</summary>
    public CancellationToken Deadline => _deadline.Token;

    /// <summary>Counts a request in until it is disposed; null once draining, when it must be turned away.</summary>
    public IDisposable? TryEnter()
    {
        lock (_gate)
        {
            if (IsDraining)
            {
                return null;
            }

            if (_inFlight++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return new Entry(this);
        }
    }

    /// <summary>Stops taking requests and waits for those in flight, cutting them at <paramref name="timeout"/>.</summary>
    /// <param name="stopping">The host's own limit on stopping; past it, nobody waits any more.</param>
    public async Task DrainAsync(TimeSpan timeout, CancellationToken stopping)
    {
        Task idle;
        lock (_gate)
        {
            IsDraining = true;
            idle = _idle.Task;
        }

        if (await Task.WhenAny(idle, Task.Delay(timeout, stopping)) != idle)
        {
            await _deadline.CancelAsync();
            // Cut bodies still commit what arrived and answer; that takes moments, not another timeout.
            await idle.WaitAsync(stopping);
        }
    }

    public void Dispose() => _deadline.Dispose();

    private void Leave()
    {
        lock (_gate)
        {
            if (--_inFlight == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    private sealed class Entry(UploadDrain drain) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                drain.Leave();
            }
        }
    }
}
