using OrleansUploads.Abstractions;
using OrleansUploads.Api.Tus;

namespace OrleansUploads.Api.Apis;

/// <summary>Plain JSON views of uploads: one upload's status, the active ones, a finished file's content.</summary>
public static class StatusApi
{
    public static RouteGroupBuilder MapStatusApi(this RouteGroupBuilder uploads)
    {
        uploads.MapGet("", ListAsync);
        uploads.MapGet("{id}", GetAsync);
        uploads.MapGet("{id}/content", DownloadAsync);
        return uploads;
    }

    private static Task<IResult> GetAsync(string id, HttpContext context, [AsParameters] UploadServices services) =>
        services.ForCallerUploadAsync(id, context, status => Task.FromResult<IResult>(TypedResults.Ok(status)));

    private static async Task<IResult> ListAsync(string? state, HttpContext context, [AsParameters] UploadServices services)
    {
        if (state is not (null or "active"))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "Only state=active can be listed.");
        }

        return TypedResults.Ok(await services.Lookup.ActiveOfAsync(services.OwnerOf(context)));
    }

    private static Task<IResult> DownloadAsync(string id, HttpContext context, [AsParameters] UploadServices services) =>
        services.ForCallerUploadAsync(id, context, async status =>
        {
            if (status.State != UploadState.Completed)
            {
                return status.State.IsTerminal()
                    ? TusResults.ForFinished(status)
                    : TusResults.Problem(StatusCodes.Status409Conflict, "The upload is not complete yet.");
            }

            // The stored content type is the client's claim: never let a browser sniff it into something else.
            context.Response.Headers.XContentTypeOptions = "nosniff";
            var content = await services.Store.OpenReadAsync(status.Id, context.RequestAborted);
            return TypedResults.File(content, "application/octet-stream", status.FileName ?? status.Id, enableRangeProcessing: true);
        });
}
