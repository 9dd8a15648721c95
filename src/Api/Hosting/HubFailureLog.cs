using Microsoft.AspNetCore.SignalR;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// The hub's one log of a call that did not succeed. SignalR logs every exception out of a hub method
/// at Error level with its stack trace, a refusal meant for the caller included (a <see cref="HubException"/>:
/// an unknown id, the rate limit), so a mistyped id read as a fault of the server. Its own log is turned
/// down, and this one tells a refusal (Debug) from a fault (Error, with the stack trace).
/// </summary>
public sealed class HubFailureLog(ILogger<HubFailureLog> logger) : IHubFilter
{
    private const string SignalRDispatcher = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    /// <summary>Added before the hub's other filters, so that it sees the refusals they make too.</summary>
    public static void AddTo(WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR(hub => hub.AddFilter<HubFailureLog>());
        builder.Logging.AddFilter(SignalRDispatcher, LogLevel.Critical);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (HubException refused)
        {
            logger.LogDebug("{Method} refused: {Reason}", invocation.HubMethodName, refused.Message);
            throw;
        }
        catch (Exception failed)
        {
            logger.LogError(failed, "{Method} failed", invocation.HubMethodName);
            throw;
        }
    }
}
