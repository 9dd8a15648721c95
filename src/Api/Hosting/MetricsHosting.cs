using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OrleansUploads.Api.Progress;
using OrleansUploads.Api.Uploads;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Metrics and traces with OpenTelemetry. Metrics: the service's own (<see cref="UploadCounters.MeterName"/>)
/// with ASP.NET Core's, Kestrel's, SignalR's, Orleans' and the .NET runtime's (GC, JIT, thread pool) meters, scraped in Prometheus' format at
/// <c>/metrics</c>. Traces: one activity per request, tagged <c>upload.id</c>, with the grain calls it
/// made in the same trace. Both go over OTLP when <c>OpenTelemetry:OtlpEndpoint</c> is set; traces also
/// to the console with <c>OpenTelemetry:ConsoleTraces=true</c>.
/// </summary>
public static class MetricsHosting
{
    private static readonly string[] Meters =
    [
        UploadCounters.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting", "Microsoft.Orleans", "System.Runtime",
    ];

    /// <summary>The activity sources of Orleans' grain calls, as the caller and as the grain.</summary>
    private static readonly string[] TraceSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public const string OtlpEndpointSetting = "OpenTelemetry:OtlpEndpoint";
    public const string ConsoleTracesSetting = "OpenTelemetry:ConsoleTraces";

    public static IServiceCollection AddUploadMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = configuration[OtlpEndpointSetting] is { Length: > 0 } endpoint ? StartSettings.Parse(OtlpEndpointSetting, endpoint, text => new Uri(text)) : null;
        var consoleTraces = StartSettings.Value<bool>(configuration, ConsoleTracesSetting);
        var telemetry = services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Meters).AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(exporter => exporter.Endpoint = otlp);
                }
            });

        // Traced only where traces go: an activity per grain call costs when nobody reads it.
        if (otlp is not null || consoleTraces)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation().AddSource(TraceSources);
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(exporter => exporter.Endpoint = otlp);
                }

                if (consoleTraces)
                {
                    tracing.AddConsoleExporter();
                }
            });
        }

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
