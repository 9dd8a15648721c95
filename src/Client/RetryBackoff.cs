using System.Net;

namespace OrleansUploads.Client;

/// <summary>Counts attempts without progress and waits, longer each time, before the next one.</summary>
internal sealed class RetryBackoff(UploadsClientOptions options)
{
    private int _failures;

    /// <summary>Progress was made: the next failure starts the count again.</summary>
    public void Reset() => _failures = 0;

    /// <summary>Waits before the next attempt, or throws <paramref name="giveUp"/> once every attempt is used.</summary>
    public async Task WaitAsync(Func<Exception> giveUp, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        if (++_failures >= options.MaxAttempts)
        {
            throw giveUp();
        }

        var backoff = options.RetryDelay * Math.Pow(2, _failures - 1);
        var delay = retryAfter is { } asked && asked > backoff ? asked : backoff;
        await Task.Delay(delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay, cancellationToken);
    }

    /// <summary>Answers worth another try: the service was busy, moving a grain, or cut a slow body.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.Conflict or HttpStatusCode.Locked or HttpStatusCode.TooManyRequests
            or (HttpStatusCode)460 || (int)status >= 500 && status != HttpStatusCode.InsufficientStorage;

    public static TimeSpan? RetryAfterOf(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
}
