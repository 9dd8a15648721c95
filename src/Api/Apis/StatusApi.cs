using OrleansUploads.Abstractions;
using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;

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

    private static async Task<IResult> GetAsync(string id, HttpContext context, [AsParameters] UploadServices services) =>
        await services.FindAsync(id, context.User) is { } status ? TypedResults.Ok(status) : TusResults.NotFound();

    private static async Task<IResult> ListAsync(string? state, HttpContext context, [AsParameters] UploadServices services)
    {
        if (state is not (null or "active"))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "Only state=active can be listed.");
        }

        var owner = services.Caller.OwnerOf(context.User);
        var ids = await services.Grains.GetGrain<IUploadCatalogGrain>(owner).GetActiveAsync();
        var statuses = await Task.WhenAll(ids.Select(id => services.Grains.GetGrain<IUploadGrain>(id).GetStatusAsync(owner)));
        return TypedResults.Ok(statuses.OfType<UploadStatus>().Where(s => !s.State.IsTerminal()).OrderBy(s => s.CreatedAt).ToArray());
    }

    private static async Task<IResult> DownloadAsync(string id, HttpContext context, [AsParameters] UploadServices services)
    {
        if (await services.FindAsync(id, context.User) is not { } status)
        {
            return TusResults.NotFound();
        }

        if (status.State != UploadState.Completed)
        {
            return status.State.IsTerminal()
                ? TusResults.ForFinished(status)
                : TusResults.Problem(StatusCodes.Status409Conflict, "The upload is not complete yet.");
        }

        // The stored content type is the client's claim: never let a browser sniff it into something else.
        context.Response.Headers.XContentTypeOptions = "nosniff";
        var content = await services.Store.OpenReadAsync(id, context.RequestAborted);
        return TypedResults.File(content, "application/octet-stream", status.FileName ?? id, enableRangeProcessing: true);
    }

}
