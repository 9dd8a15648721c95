using Scalar.AspNetCore;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// An OpenAPI document of the plain JSON endpoints (status, list, cancel, download) at
/// <c>/openapi/v1.json</c>, and a reference page for it at <c>/scalar/v1</c> in Development. The tus
/// and draft requests are left out: their specifications describe them.
/// </summary>
public static class OpenApiHosting
{
    public static IServiceCollection AddUploadOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "OrleansUploads";
            document.Info.Description = "Status, listing, cancelling and downloading uploads. Uploads themselves are sent with tus 1.0 or the IETF resumable-uploads draft.";
            return Task.CompletedTask;
        }));

    public static WebApplication MapUploadOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }
}
