using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Apis;

/// <summary>
/// The door of every request that creates an upload or stores bytes: counted in and out of the
/// drain, and turned away with 503 while the instance drains (see <see cref="UploadDrain"/>).
/// </summary>
public static class UploadDrainGate
{
    /// <summary>Marks an endpoint as one that creates uploads or stores bytes.</summary>
    public static TBuilder TakesUploads<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder => endpoint.WithMetadata(UploadWrite.Marker);

    /// <summary>After routing and CORS, so the 503 carries the CORS headers a browser needs to read it.</summary>
    public static IApplicationBuilder UseUploadDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<UploadDrain>();
        return app.UseWhen(context => context.GetEndpoint()?.Metadata.GetMetadata<UploadWrite>() is not null, writes => writes.Use(async (context, next) =>
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

    private sealed class UploadWrite
    {
        public static readonly UploadWrite Marker = new();
    }
}
