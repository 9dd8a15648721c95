using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Dashboard;
using OrleansUploads.Api.Apis;
using OrleansUploads.Api.Hooks;
using OrleansUploads.Api.Limits;
using OrleansUploads.Api.Progress;
using OrleansUploads.Api.Storage;
using OrleansUploads.Api.Uploads;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Hosting;

/// <summary>The composition root: which services the API runs with, and in which order requests meet them.</summary>
public static class UploadsHosting
{
    /// <summary>The API with its co-hosted silo (or as a client of a cluster), its store and JSON conventions.</summary>
    public static WebApplicationBuilder AddUploads(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.AddUploadAccess(UploadHub.Path);
        HubFailureLog.AddTo(builder);
        builder.AddUploadLimits();
        if (ClusterSettings.From(configuration).IsClient)
        {
            // A gateway lost or gained is a silo that died or joined: stream subscriptions may be gone.
            builder.UseOrleansClient(client => client.AddUploadClient(configuration)
                .AddGatewayCountChangedHandler(services => (_, _) => services.GetRequiredService<ProgressRelay>().OnClusterChanged()));
        }
        else
        {
            builder.UseOrleans(silo => silo.AddUploadGrains(configuration));
            builder.Services.AddHostedService<MembershipChangeSignal>();
        }

        // Upload size is enforced by the protocol (Tus-Max-Size), not by Kestrel's 30 MB default.
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.ReadBodiesBeforeClose();
        });

        var services = builder.Services;
        services.AddUploadStore(configuration);
        if (services.Bind<UploadApiOptions>(configuration, UploadApiOptions.Section).MaxSizeBytes is var maxSize and < 1)
        {
            // Every upload would be refused as too large, under a Tus-Max-Size no client can meet.
            throw new StartRefusedException($"Uploads:MaxSizeBytes is {maxSize}; it must be at least 1 byte.");
        }

        services.AddSingleton<UploadLookup>();
        services.AddSingleton<ChunkReceiver>();
        services.AddSingleton<UploadCounters>();
        services.AddSingleton<UploadCancellation>();
        services.AddSingleton<UploadAdmission>();
        services.AddSingleton<StoredCompletion>();
        services.AddSingleton<UploadProcessing>();
        // The built-in stages; each runs only for uploads it applies to. More are added the same way.
        services.AddSingleton<IUploadProcessor, DeclaredChecksumProcessor>();
        services.AddSingleton<IUploadProcessor, ContentSignatureProcessor>();
        // Asked before every creation, in this order: the built-in rules, then the HTTP hook when one is configured.
        services.Bind<ValidationOptions>(configuration, ValidationOptions.Section);
        services.AddSingleton<IUploadValidator, DeclarationRules>();
        services.AddHttpClient();
        services.AddSingleton<IUploadValidator, HttpValidationHook>();
        services.AddHostedService<UploadQueueSweeper>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ProgressRelay>();
        services.AddHostedService<RelayHealer>();
        services.AddSignalR(hub => hub.AddFilter<HubUnavailableFilter>()).AddJsonProtocol(json => UseUploadJson(json.PayloadSerializerOptions));
        services.AddUploadCors(StartSettings.Read<LimitOptions>(configuration, LimitOptions.Section));
        services.AddUploadDrain(configuration);
        services.AddSingleton<InterimResponses>();
        services.AddHostedService<InterimResponseSelfTest>();
        services.AddUploadHealth(configuration);
        services.AddUploadOpenApi();
        services.AddUploadMetrics(configuration);
        services.AddProblemDetails();
        services.AddExceptionHandler<UnavailableHandler>();
        services.ConfigureHttpJsonOptions(json => UseUploadJson(json.SerializerOptions));
        return builder;
    }

    /// <summary>camelCase names and lowercase state names, the same for HTTP and the hub.</summary>
    private static void UseUploadJson(JsonSerializerOptions options) =>
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));

    public static WebApplication MapUploads(this WebApplication app)
    {
        app.UseExceptionHandler();
        InterimResponseSelfTest.UseInterimResponseProbe(app);
        app.UseTus();
        // Requests to the upload endpoints by method, as tusd counts them.
        var counters = app.Services.GetRequiredService<UploadCounters>();
        app.UseWhen(context => context.Request.Path.StartsWithSegments(UploadLocation.UploadsPath), uploads => uploads.Use((context, next) =>
        {
            counters.CountRequest(context.Request.Method);
            return next(context);
        }));
        // The upload page at / (wwwroot, bundled from ClientApp).
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseCors(UploadCors.Policy);
        app.UseUploadDrain();
        var secured = app.Configuration.AccessEnabled();
        if (secured)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }
        else
        {
            app.Logger.LogWarning("Authentication is not configured (Auth:SigningKey or Auth:Authority): every caller is the one anonymous owner.");
        }

        app.MapUploadHealth();
        app.MapUploadOpenApi();
        app.MapUploadMetrics();
        app.UseRateLimiter();
        var uploads = app.MapGroup(UploadLocation.UploadsPath).RequireRateLimiting(LimitsHosting.RatePolicy);
        uploads.AddEndpointFilter((context, next) =>
        {
            if (context.HttpContext.GetRouteValue("id") is string uploadId)
            {
                UploadTrace.Tag(uploadId);
            }

            return next(context);
        });
        uploads.MapTusApi();
        uploads.MapStatusApi();
        var hub = app.MapHub<UploadHub>(UploadHub.Path).RequireRateLimiting(LimitsHosting.RatePolicy);
        // What this instance is doing: relayed uploads (watching leaks no subscriptions), how often
        // writers report to grains (the cost of tracking), and the upload grains in the cluster's memory.
        var diagnostics = app.MapGet("/api/diagnostics", async (ProgressRelay relay, UploadCounters counters, IGrainFactory grains) => TypedResults.Ok(
            new
            {
                relaySubscriptions = relay.Subscriptions,
                storedReports = counters.StoredReports,
                bytesStored = counters.BytesStored,
                uploadGrainsInMemory = (await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics())
                    .Where(s => s.GrainType.Contains("UploadGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount),
            }))
            .RequireRateLimiting(LimitsHosting.RatePolicy);
        // The Orleans Dashboard, when enabled, behind the same authentication as the API.
        var dashboard = ClusterSettings.DashboardEnabled(app.Configuration) ? app.MapOrleansDashboard(routePrefix: "/dashboard") : null;
        if (secured)
        {
            dashboard?.RequireAuthorization();
            uploads.RequireAuthorization();
            hub.RequireAuthorization();
            diagnostics.RequireAuthorization();
        }

        return app;
    }
}
