using Microsoft.AspNetCore.SignalR.Client;

namespace OrleansUploads.Client;

/// <summary>
/// Reconnects the hub for as long as the watcher wants (it stops by cancelling), at once and then
/// backing off to <paramref name="longest"/>: a watch outlives a service restart or a network outage.
/// </summary>
internal sealed class EndlessReconnect(TimeSpan longest) : IRetryPolicy
{
    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        var delay = retryContext.PreviousRetryCount == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(250 * Math.Pow(2, retryContext.PreviousRetryCount - 1));
        return delay < longest ? delay : longest;
    }
}
