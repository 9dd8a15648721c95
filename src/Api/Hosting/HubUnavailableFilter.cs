using Microsoft.AspNetCore.SignalR;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// The hub's side of <see cref="UnavailableHandler"/>: a hub call the cluster or storage could not
/// answer (a failover under way) fails with a message that says to try again, not "unexpected error".
/// </summary>
public sealed class HubUnavailableFilter(ILogger<HubUnavailableFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (Exception exception) when (UnavailableHandler.ClusterDidNotAnswer(exception) || exception is IOException)
        {
            // The caller hears a refusal (HubFailureLog logs those quietly); the operator hears the fault.
            logger.LogWarning("The cluster or storage did not answer hub call {Method}: {ErrorType}: {Error}", invocation.HubMethodName, exception.GetType().Name, exception.Message);
            throw new HubException("The cluster did not answer in time (it may be moving this upload); nothing was lost. Try again shortly.");
        }
    }
}
