using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime.Messaging;
using OrleansUploads.Api.Apis;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Turns what the cluster or the storage could not do into an answer a client retries: a grain call
/// nobody answered (a silo crashed mid-call, no gateway reachable, the response timed out) or storage
/// that could not be reached is 503 with <c>Retry-After</c>, a full or read-only disk is 507, and
/// either is 423 for a HEAD of an upload. Nothing stored was lost or changed.
/// </summary>
public sealed class UnavailableHandler(IProblemDetailsService problems, ILogger<UnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>A grain call nobody answered: a silo crashed mid-call, no gateway was reachable, or the response timed out.</summary>
    public static bool ClusterDidNotAnswer(Exception exception) =>
        exception is TimeoutException or OrleansMessageRejectionException or ConnectionFailedException;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var clusterFailed = ClusterDidNotAnswer(exception);
        if (!clusterFailed && exception is not IOException)
        {
            return false;
        }

        logger.LogWarning("{What} did not answer {Method} {Path}: {ErrorType}: {Error}", clusterFailed ? "The cluster" : "Storage",
            context.Request.Method, context.Request.Path, exception.GetType().Name, exception.Message);
        // A HEAD of an upload is retried by tus clients only as 423, which is what a failover needs.
        var status = RetryLater.StatusFor(context.Request,
            StorageFailure.IsFull(exception) ? StatusCodes.Status507InsufficientStorage : StatusCodes.Status503ServiceUnavailable);
        context.Response.StatusCode = status;
        context.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Detail = clusterFailed ? "The cluster did not answer in time; nothing stored was lost. Retry shortly."
                    : "The server's storage could not be used just now; nothing stored was lost or changed. Retry shortly.",
            },
        });
    }
}
