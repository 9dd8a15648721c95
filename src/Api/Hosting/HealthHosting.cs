using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// <c>/healthz</c>: the process is alive. <c>/readyz</c>: it can take uploads now: the cluster answers,
/// the store is reachable and writable, it is not draining, and (for an API in a Redis cluster) Redis answers. Both are
/// open to everyone, as load balancers and orchestrators call them, and answer 503 when not.
/// </summary>
public static class HealthHosting
{
    private const string Ready = "ready";

    public static IServiceCollection AddUploadHealth(this IServiceCollection services, IConfiguration configuration)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<ClusterReadiness>("cluster", tags: [Ready])
            .AddCheck<StoreReadiness>("store", tags: [Ready])
            .AddCheck<DrainReadiness>("drain", tags: [Ready]);
        if (ClusterSettings.From(configuration).UsesRedis)
        {
            checks.AddCheck<RedisReadiness>("redis", tags: [Ready]);
        }

        return services;
    }

    public static WebApplication MapUploadHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = WriteChecksAsync,
            // Degraded is a drain (DrainReadiness): not ready either.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        return app;
    }

    /// <summary>The verdict, then one line per check, so whoever reads a 503 sees which one failed.</summary>
    private static Task WriteChecksAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var lines = report.Entries.Select(entry => $"{entry.Key}: {entry.Value.Status}{(entry.Value.Description is { } said ? $" ({said})" : "")}");
        return context.Response.WriteAsync(string.Join('\n', lines.Prepend(report.Status.ToString())) + "\n");
    }
}
