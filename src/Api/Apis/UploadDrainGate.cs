using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Apis;

/// <summary>
/// The door of every request that creates an upload or stores bytes: counted in and out of the
/// drain, and turned away with 503 while the instance drains (see <see cref="UploadDrain"/>).
/// </summary>
public static class UploadDrainGate
{
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
