using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;

namespace OrleansUploads.Api.Hosting;

/// <summary>The upload endpoints' request rate, applied to each hub call as well.</summary>
public sealed class HubRateLimitFilter(PartitionedRateLimiter<HttpContext> limiter) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        using var permit = limiter.AttemptAcquire(invocation.Context.GetHttpContext()!);
        if (!permit.IsAcquired)
        {
            throw new HubException("Too many requests; retry in a moment.");
        }

        return await next(invocation);
    }
}
