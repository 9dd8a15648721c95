using OrleansUploads.Api.Apis;
using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Graceful drain on SIGTERM: before anything else stops, the instance turns new upload requests away
/// (503 with <c>Retry-After</c>, and <c>/readyz</c> fails), lets those in flight finish up to
/// <see cref="UploadApiOptions.DrainTimeout"/>, then lets Kestrel and the silo or cluster client stop.
/// </summary>
public static class DrainHosting
{
    /// <summary>What the silo or cluster client needs to stop once the drain is over.</summary>
    private static readonly TimeSpan StopAfterDrain = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddUploadDrain(this IServiceCollection services, IConfiguration configuration)
    {
        var drainTimeout = configuration.GetSection(UploadApiOptions.Section).Get<UploadApiOptions>()?.DrainTimeout ?? new UploadApiOptions().DrainTimeout;
        services.AddSingleton<UploadDrain>();
        services.AddHostedService<UploadDrainer>();
        services.Configure<HostOptions>(host => host.ShutdownTimeout = drainTimeout + StopAfterDrain);
        return services;
    }

    /// <summary>Counts every request that creates an upload or stores bytes, and turns them away while draining.</summary>
    public static IApplicationBuilder UseUploadDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<UploadDrain>();
        return app.UseWhen(IsUploadWrite, writes => writes.Use(async (context, next) =>
        {
            using var entry = drain.TryEnter();
            if (entry is null)
            {
                await TusResults.Draining("This server is shutting down and takes no new uploads; retry, and another server will take it.").ExecuteAsync(context);
                return;
            }

            await next(context);
        }));
    }

    private static bool IsUploadWrite(HttpContext context) =>
        context.Request.Path.StartsWithSegments(UploadLocation.UploadsPath)
        && (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPatch(context.Request.Method) || HttpMethods.IsPut(context.Request.Method));
}
