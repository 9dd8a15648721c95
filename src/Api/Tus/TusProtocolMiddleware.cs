namespace OrleansUploads.Api.Tus;

/// <summary>Protocol plumbing that must run before routing picks an endpoint.</summary>
public static class TusProtocolMiddleware
{
    private static readonly string[] OverridableMethods = [HttpMethods.Patch, HttpMethods.Delete, HttpMethods.Head];

    /// <summary>
    /// Honours <c>X-HTTP-Method-Override</c> on POST for clients behind proxies that drop PATCH and
    /// DELETE, and stamps <c>Tus-Resumable</c> on every upload response.
    /// </summary>
    public static IApplicationBuilder UseTusProtocol(this IApplicationBuilder app, PathString uploadsPath) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments(uploadsPath))
        {
            await next(context);
            return;
        }

        // When the response starts, so that it survives an exception handler clearing the headers.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[TusHeaders.TusResumable] = TusHeaders.Version;
            return Task.CompletedTask;
        });
        var overridden = context.Request.Headers[TusHeaders.MethodOverride].ToString();
        if (overridden.Length > 0 && HttpMethods.IsPost(context.Request.Method))
        {
            var method = OverridableMethods.FirstOrDefault(m => string.Equals(m, overridden, StringComparison.OrdinalIgnoreCase));
            if (method is null)
            {
                await Results.Problem($"X-HTTP-Method-Override may only name PATCH, DELETE or HEAD.", statusCode: StatusCodes.Status400BadRequest)
                    .ExecuteAsync(context);
                return;
            }

            context.Request.Method = method;
        }

        await next(context);
    });
}
