using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime.Messaging;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Turns a grain call the cluster could not answer (a silo crashed mid-call, no gateway reachable,
/// the response timed out) into 503 with <c>Retry-After</c>: nothing was lost, and tus clients retry
/// 5xx by themselves, asking for the offset first.
/// </summary>
public sealed class ClusterUnavailableHandler(IProblemDetailsService problems, ILogger<ClusterUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (TimeoutException or OrleansMessageRejectionException or ConnectionFailedException))
        {
            return false;
        }

        logger.LogWarning("The cluster did not answer {Method} {Path}: {ErrorType}: {Error}",
            context.Request.Method, context.Request.Path, exception.GetType().Name, exception.Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Detail = "The cluster did not answer in time; nothing stored was lost. Retry shortly." },
        });
    }
}
