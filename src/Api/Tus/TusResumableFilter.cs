namespace OrleansUploads.Api.Tus;

/// <summary>
/// Checks the client's protocol version. Required on tus requests; on requests plain HTTP clients
/// also make (DELETE, multipart POST) it is checked only when sent.
/// </summary>
public sealed class TusResumableFilter(bool required) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var version = request.Headers[TusHeaders.TusResumable].ToString();
        // Clients of the IETF draft speak its own version field instead.
        var plainClient = version.Length == 0 && (!required || request.HasFormContentType || ResumableDraft.Speaks(request));
        if (!plainClient && version != TusHeaders.Version)
        {
            context.HttpContext.Response.Headers[TusHeaders.TusVersion] = TusHeaders.Version;
            return TypedResults.Problem(
                $"Tus-Resumable must be {TusHeaders.Version}.", statusCode: StatusCodes.Status412PreconditionFailed);
        }

        return await next(context);
    }
}
