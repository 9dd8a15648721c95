using Microsoft.AspNetCore.SignalR;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// The hub's side of <see cref="UnavailableHandler"/>: a hub call the cluster or storage could not
/// answer (a failover under way) fails with a message that says to try again, not "unexpected error".
/// </summary>
public sealed class HubUnavailableFilter : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (Exception exception) when (UnavailableHandler.ClusterDidNotAnswer(exception) || exception is IOException)
        {
            throw new HubException("The cluster did not answer in time (it may be moving this upload); nothing was lost. Try again shortly.");
        }
    }
}
