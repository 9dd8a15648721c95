namespace OrleansUploads.Testing;

public static class Eventually
{
    /// <summary>
    /// Asks until the answer satisfies <paramref name="condition"/>, failing after <paramref name="timeout"/>.
    /// For facts only visible by asking, such as a child process's state.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> ask, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        T answer;
        while (!condition(answer = await ask()))
        {
            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}; last answer: {answer}");
            }

            try
            {
                await pace.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return answer;
    }
}
