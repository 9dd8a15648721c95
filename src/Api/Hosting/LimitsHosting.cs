using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using OrleansUploads.Api.Access;
using OrleansUploads.Api.Apis;
using OrleansUploads.Api.Limits;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Hosting;

/// <summary>Rate limits and the slow-body cut-off, configured in one place.</summary>
public static class LimitsHosting
{
    public const string RatePolicy = "uploads";

    public static WebApplicationBuilder AddUploadLimits(this WebApplicationBuilder builder)
    {
        var limits = builder.Services.Bind<LimitOptions>(builder.Configuration, LimitOptions.Section);

        // Slow-loris: a body that trickles is cut; the chunk receiver releases the lease with what arrived.
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinBodyBytesPerSecond, limits.MinBodyGracePeriod));

        builder.Services.AddRateLimiter(rates =>
        {
            rates.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rates.OnRejected = async (rejected, _) =>
            {
                // A tus client that met 429 on a HEAD would start its file over; 423 it retries.
                var context = rejected.HttpContext;
                context.Response.StatusCode = RetryLater.StatusFor(context.Request, context.Response.StatusCode);
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(limits.RateWindow.TotalSeconds)).ToString();
                // The same problem JSON as every other refusal.
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = context.Response.StatusCode,
                        Detail = $"Too many requests: at most {limits.RequestsPerWindow} per {limits.RateWindow}. Retry after Retry-After seconds.",
                    },
                });
            };
            rates.AddPolicy(RatePolicy, context => RateLimitPartition.GetFixedWindowLimiter(PartitionOf(context), _ => WindowOf(limits)));
        });

        // Hub calls (Watch, Cancel) arrive over one long-lived connection, past the HTTP rate limiter.
        var hubCalls = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            RateLimitPartition.GetFixedWindowLimiter(PartitionOf(context), _ => WindowOf(limits)));
        builder.Services.AddSignalR(hub => hub.AddFilter(new HubRateLimitFilter(hubCalls)));
        return builder;
    }

    private static FixedWindowRateLimiterOptions WindowOf(LimitOptions limits) =>
        new() { PermitLimit = limits.RequestsPerWindow, Window = limits.RateWindow };

    /// <summary>Limits count per owner when callers are known, else per client address.</summary>
    private static string PartitionOf(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
            ? context.RequestServices.GetRequiredService<UploadCaller>().OwnerOf(context.User)
            : "ip:" + context.Connection.RemoteIpAddress;
}
