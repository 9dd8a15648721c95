using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansUploads.Api.Access;
using OrleansUploads.Api.Apis;
using OrleansUploads.Api.Limits;
using OrleansUploads.Api.Progress;
using OrleansUploads.Api.Storage;
using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;
using OrleansUploads.Silo;

namespace OrleansUploads.Api.Hosting;

public static class UploadsHosting
{
    public const string UploadsPath = "/api/uploads";
    public const string HubPath = "/hubs/uploads";

    /// <summary>The API with its co-hosted silo (or as a client of a cluster), file storage and JSON conventions.</summary>
    public static WebApplicationBuilder AddUploads(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.AddUploadAccess(HubPath);
        builder.AddUploadLimits();
        if (ClusterSettings.From(configuration).IsClient)
        {
            builder.UseOrleansClient(client => client.AddUploadClient(configuration));
        }
        else
        {
            builder.UseOrleans(silo => silo.AddUploadGrains(configuration));
        }

        // Upload size is enforced by the protocol (Tus-Max-Size), not by Kestrel's 30 MB default.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);

        var filesFolder = Path.Combine(UploadSiloConfiguration.DataFolder(configuration), "files");
        builder.Services.AddSingleton<IUploadStore>(new FileUploadStore(filesFolder));
        builder.Services.Configure<UploadApiOptions>(configuration.GetSection(UploadApiOptions.Section));
        builder.Services.AddSingleton<ChunkReceiver>();
        builder.Services.AddSingleton<UploadCounters>();
        builder.Services.AddSingleton<UploadCancellation>();
        builder.Services.AddSingleton<UploadAdmission>();
        builder.Services.AddHostedService<DiscardedUploadSweeper>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProgressRelay>();
        builder.Services.AddSignalR().AddJsonProtocol(json => UseUploadJson(json.PayloadSerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ClusterUnavailableHandler>();
        builder.Services.ConfigureHttpJsonOptions(json => UseUploadJson(json.SerializerOptions));
        return builder;
    }

    /// <summary>camelCase names and lowercase state names, the same for HTTP and the hub.</summary>
    public static void UseUploadJson(JsonSerializerOptions options) =>
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));

    public static WebApplication MapUploads(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseTusProtocol(UploadsPath);
        // The upload page at / (wwwroot, bundled from ClientApp by the build).
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseCors(LimitsHosting.CorsPolicy);
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

        app.UseRateLimiter();
        var uploads = app.MapGroup(UploadsPath).RequireRateLimiting(LimitsHosting.RatePolicy);
        uploads.MapTusApi();
        uploads.MapStatusApi();
        var hub = app.MapHub<UploadHub>(HubPath);
        // What this instance is doing: relayed uploads (watching leaks no subscriptions) and how
        // often writers report to grains (the cost of tracking).
        var diagnostics = app.MapGet("/api/diagnostics", (ProgressRelay relay, UploadCounters counters) => TypedResults.Ok(
            new { relaySubscriptions = relay.Subscriptions, storedReports = counters.StoredReports, bytesStored = counters.BytesStored }));
        if (secured)
        {
            uploads.RequireAuthorization();
            hub.RequireAuthorization();
            diagnostics.RequireAuthorization();
        }

        return app;
    }
}
