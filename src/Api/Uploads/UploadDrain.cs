namespace OrleansUploads.Api.Uploads;

/// <summary>
/// The instance on its way out: once draining, it takes no new upload requests, and the ones in
/// flight run until they end or until the drain's deadline, when their bodies are cut with what
/// arrived committed. Clients then resume at another instance.
/// </summary>
public sealed class UploadDrain : IDisposable
{
    /// <summary>How long bodies cut at the deadline get to commit what arrived and answer.</summary>
    private static readonly TimeSpan AfterDeadline = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _deadline = new();
    private readonly CancellationTokenSource _over = new();
    private readonly object _gate = new();
    private TaskCompletionSource _idle = Completed();
    private int _inFlight;

    public bool IsDraining { get; private set; }

    /// <summary>Cancelled when the drain's time is up: bodies still arriving are cut then, and requests waiting for processing answer.</summary>
    public CancellationToken Deadline => _deadline.Token;

    /// <summary>Cancelled once the drain is over and the instance stops: work in the background lets go then, for another instance to take up.</summary>
    public CancellationToken Over => _over.Token;

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
    /// <returns>False when requests were still in flight as the drain gave up on them.</returns>
    public async Task<bool> DrainAsync(TimeSpan timeout, CancellationToken stopping)
    {
        Task idle;
        lock (_gate)
        {
            IsDraining = true;
            idle = _idle.Task;
        }

        try
        {
            if (await Task.WhenAny(idle, Task.Delay(timeout, stopping)) == idle)
            {
                return true;
            }

            await _deadline.CancelAsync();
            // Cut bodies still commit what arrived and answer; that takes moments. What takes longer (a
            // grain call lost with a silo) must not eat the time the silo needs to hand its grains over.
            return await Task.WhenAny(idle, Task.Delay(AfterDeadline, stopping)) == idle;
        }
        finally
        {
            await _over.CancelAsync();
        }
    }

    public void Dispose()
    {
        _deadline.Dispose();
        _over.Dispose();
    }

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
