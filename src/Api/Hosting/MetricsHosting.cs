using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OrleansUploads.Api.Progress;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Metrics with OpenTelemetry: the service's own (<see cref="UploadCounters.MeterName"/>) with ASP.NET
/// Core's, Kestrel's, SignalR's and Orleans' meters, scraped in Prometheus' format at <c>/metrics</c>,
/// and pushed over OTLP too when <c>OpenTelemetry:OtlpEndpoint</c> is set.
/// </summary>
public static class MetricsHosting
{
    private static readonly string[] Meters =
    [
        UploadCounters.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting", "Microsoft.Orleans",
    ];

    public static IServiceCollection AddUploadMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(Meters).AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
            if (configuration["OpenTelemetry:OtlpEndpoint"] is { Length: > 0 } endpoint)
            {
                metrics.AddOtlpExporter(otlp => otlp.Endpoint = new Uri(endpoint));
            }
        });
        return services;
    }

    public static WebApplication MapUploadMetrics(this WebApplication app)
    {
        // The relay lives in the door above the counters, so its gauge is wired here.
        var relay = app.Services.GetRequiredService<ProgressRelay>();
        app.Services.GetRequiredService<IMeterFactory>().Create(UploadCounters.MeterName)
            .CreateObservableGauge("uploads.watched", () => relay.Subscriptions, description: "Uploads that watchers connected to this instance follow.");
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
