using System.Globalization;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;
using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Apis;

/// <summary>Plain JSON views of uploads: one upload's status, the active ones, a finished file's content.</summary>
public static class StatusApi
{
    private const int DefaultPage = 100;
    private const int MinPage = 1;
    private const int MaxPage = 1000;

    public static RouteGroupBuilder MapStatusApi(this RouteGroupBuilder uploads)
    {
        uploads.MapGet("", ListAsync)
            .WithSummary("The caller's unfinished uploads, oldest first, a page at a time (Link: rel=\"next\").")
            .Produces<UploadStatus[]>().ProducesProblem(StatusCodes.Status400BadRequest)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // limit binds as text (ListAsync says why); the document says what it takes.
                if (operation.Parameters?.FirstOrDefault(parameter => parameter.Name == "limit") is OpenApiParameter limit)
                {
                    limit.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = MinPage.ToString(CultureInfo.InvariantCulture), Maximum = MaxPage.ToString(CultureInfo.InvariantCulture) };
                }

                return Task.CompletedTask;
            });
        uploads.MapGet("{id}", GetAsync)
            .WithSummary("One upload's status.")
            .Produces<UploadStatus>().ProducesProblem(StatusCodes.Status404NotFound);
        // HEAD as GET without the body (RFC 9110, 9.3.2): a download manager learns the size and ETag first.
        uploads.MapMethods("{id}" + UploadLocation.ContentPath, [HttpMethods.Get, HttpMethods.Head], DownloadAsync)
            .WithSummary("A completed file, whole or in ranges; a range of a running upload's stored bytes.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").Produces(StatusCodes.Status206PartialContent)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return uploads;
    }

    /// <remarks>A draft client may retrieve the offset with GET as with HEAD: it gets the same fields beside the status.</remarks>
    private static Task<IResult> GetAsync(string id, HttpContext context, [AsParameters] UploadServices services) =>
        services.ForCallerUploadAsync(id, context, status =>
        {
            // The status of an upload that is gone is still the status; only its offset fields are left out, as HEAD's 410 has none.
            if (ResumableDraft.Speaks(context.Request) && !status.State.IsGone())
            {
                ResumableDraftApi.AddOffsetRetrievalHeaders(context, status, services.Options.Value.MaxSizeBytes);
            }

            return Task.FromResult<IResult>(TypedResults.Ok(status));
        });

    /// <summary>
    /// The caller's unfinished uploads, oldest first, a page at a time: <c>limit</c> per page (100 unless
    /// asked), and a <c>Link</c> header with <c>rel="next"</c> while more may follow.
    /// </summary>
    /// <remarks><c>limit</c> arrives as text so that one that is no number gets this problem's words, not
    /// the framework's empty 400.</remarks>
    private static async Task<IResult> ListAsync(string? state, string? after, string? limit, HttpContext context, [AsParameters] UploadServices services)
    {
        if (state is not null && !string.Equals(state, "active", StringComparison.OrdinalIgnoreCase))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "Only state=active can be listed.");
        }

        var size = DefaultPage;
        if (!string.IsNullOrEmpty(limit) && !(int.TryParse(limit, NumberStyles.Integer, CultureInfo.InvariantCulture, out size) && size is >= MinPage and <= MaxPage))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, $"limit must be a whole number from {MinPage} to {MaxPage}.");
        }

        if (after is not null && !UploadId.IsValid(after))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "after must be the id of an upload, as in the previous page's Link.");
        }

        var page = await services.Lookup.ActivePageAsync(services.OwnerOf(context), after, size);
        if (page.Next is { } next)
        {
            context.Response.Headers.Link = $"<{context.Request.PathBase}{context.Request.Path}?state=active&limit={size}&after={next}>; rel=\"next\"";
        }

        return TypedResults.Ok(page.Uploads);
    }

    /// <summary>
    /// A completed file, whole or in ranges (206, with an <c>ETag</c> from its SHA-256 for <c>If-Range</c>).
    /// While the upload runs, a range inside its committed bytes can be read already; the whole file only once it is complete.
    /// </summary>
    private static Task<IResult> DownloadAsync(string id, HttpContext context, [AsParameters] UploadServices services) =>
        services.ForCallerUploadAsync(id, context, async status =>
        {
            var running = !status.State.IsTerminal();
            if (status.State != UploadState.Completed && !(running && context.Request.Headers.Range.Count > 0 && services.Store.ReadsWhileRunning))
            {
                return status.State.IsTerminal() ? TusResults.ForFinished(status)
                    : services.Store.ReadsWhileRunning ? TusResults.Problem(StatusCodes.Status409Conflict, "The upload is not complete yet; ask for a range of its stored bytes (Range) to read them now.")
                    : TusResults.Problem(StatusCodes.Status409Conflict, "The upload is not complete yet, and its store serves its bytes only once it is.");
            }

            // The stored content type is the client's claim: never let a browser sniff it into something else.
            context.Response.Headers.XContentTypeOptions = "nosniff";
            var stored = await services.Store.OpenReadAsync(status.Id, context.RequestAborted);
            var name = status.FileName ?? status.Id;
            return running
                ? TypedResults.File(new StoredPrefixStream(stored, Math.Min(status.BytesReceived, stored.Length)), "application/octet-stream", name, enableRangeProcessing: true)
                : TypedResults.File(stored, "application/octet-stream", name, status.CompletedAt, new EntityTagHeaderValue($"\"{status.Sha256}\""), enableRangeProcessing: true);
        });
}
