using OrleansUploads.Api.Limits;
using OrleansUploads.Api.Tus;

namespace OrleansUploads.Api.Apis;

/// <summary>Which other origins may call the upload API from a browser, and which tus headers they may read.</summary>
public static class UploadCors
{
    public const string Policy = "uploads";

    public static IServiceCollection AddUploadCors(this IServiceCollection services, LimitOptions limits) =>
        services.AddCors(cors => cors.AddPolicy(Policy, policy => policy
            .WithOrigins(limits.AllowedOrigins)
            .AllowAnyHeader()
            .WithMethods("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
            .WithExposedHeaders(TusHeaders.Exposed)));
}
