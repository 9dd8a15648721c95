using OrleansUploads.Abstractions;
using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Apis;

/// <summary>The tus 1.0 core protocol with creation, creation-with-upload, termination, checksum and expiration.</summary>
public static class TusApi
{
    /// <summary>Protocol plumbing that must run before routing picks an endpoint.</summary>
    public static IApplicationBuilder UseTus(this IApplicationBuilder app) => app.UseTusProtocol(UploadLocation.UploadsPath);

    public static RouteGroupBuilder MapTusApi(this RouteGroupBuilder uploads)
    {
        // The protocols' own requests are described by their specifications, not in the OpenAPI document.
        uploads.MapMethods("", [HttpMethods.Options], Discover).ExcludeFromDescription();
        uploads.MapPost("", CreateAsync).AddEndpointFilter(new TusResumableFilter(required: true)).TakesUploads().ExcludeFromDescription();
        // The draft creates an upload from any request with content: PUT and PATCH too.
        uploads.MapMethods("", [HttpMethods.Put, HttpMethods.Patch], CreateOtherwiseAsync).TakesUploads().ExcludeFromDescription();
        uploads.MapMethods("{id}", [HttpMethods.Head], HeadAsync).AddEndpointFilter(new TusResumableFilter(required: true)).ExcludeFromDescription();
        uploads.MapPatch("{id}", PatchAsync).AddEndpointFilter(new TusResumableFilter(required: true)).TakesUploads().ExcludeFromDescription();
        uploads.MapDelete("{id}", DeleteAsync).AddEndpointFilter(new TusResumableFilter(required: false))
            .WithSummary("Cancels an upload (a completed one: deletes its file), wherever its transfer runs.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return uploads;
    }

    private static IResult Discover(HttpContext context, [AsParameters] UploadServices services)
    {
        TusHeaders.AddDiscovery(context.Response.Headers, services.Options.Value.MaxSizeBytes);
        // The IETF draft's discovery, on the same endpoint.
        context.Response.Headers["Accept-Patch"] = ResumableDraft.PartialUploadType;
        ResumableDraft.AddLimit(context.Response.Headers, services.Options.Value.MaxSizeBytes);
        return TypedResults.NoContent();
    }

    private static Task<IResult> CreateOtherwiseAsync(HttpContext context, [AsParameters] UploadServices services)
    {
        if (ResumableDraft.Speaks(context.Request))
        {
            return ResumableDraftApi.CreateAsync(context, services);
        }

        context.Response.Headers.Allow = "OPTIONS, POST";
        return Task.FromResult<IResult>(TypedResults.StatusCode(StatusCodes.Status405MethodNotAllowed));
    }

    private static async Task<IResult> CreateAsync(HttpContext context, [AsParameters] UploadServices services)
    {
        // The draft's content may be of any type, a form's too: its version field decides first.
        var request = context.Request;
        if (ResumableDraft.Speaks(request))
        {
            return await ResumableDraftApi.CreateAsync(context, services);
        }

        if (request.HasFormContentType)
        {
            return await MultipartApi.ReceiveAsync(context, services);
        }

        if (TusCreation.Read(request, UploadLocation.UploadsPath, services.Options.Value.MaxSizeBytes, services.Limits.Value.MaxMetadataBytes, out var tus) is { } problem)
        {
            return problem;
        }

        var owner = services.OwnerOf(context);
        if (tus.Parts is { } parts && await FinalParts.CheckAsync(parts, owner, services.Lookup) is { } partsProblem)
        {
            return partsProblem;
        }

        var creation = new UploadCreation(tus.Length, tus.Metadata.Text("filename", "name"), tus.Metadata.Text("filetype", "type"), tus.MetadataHeader, owner,
            services.Caller.QuotaOf(context), Partial: tus.Partial, Parts: tus.Parts);
        // A body sent with the creation is written under a lease granted as the upload is created.
        var (admission, outcome) = tus.WithUpload
            ? await services.Receiver.CreateAndReceiveAsync(services.Admission, creation,
                new ChunkRequest(UploadId: "", owner, 0, tus.Checksum, request.BodyReader, request.ContentLength, Limit: services.Options.Value.MaxSizeBytes),
                UploadTrace.Tag, context.RequestAborted)
            : (await services.Admission.CreateAsync(creation, context.RequestAborted), null);
        if (admission.Created is not { } status)
        {
            return TusResults.ForRefusedCreation(admission);
        }

        UploadTrace.Tag(status.Id);
        var location = UploadLocation.Of(request, status.Id);
        if (outcome is not null)
        {
            if (outcome.Result is not (ChunkResult.Stored or ChunkResult.Completed or ChunkResult.Processing))
            {
                // The upload exists either way; tell the client where, so it can resume.
                context.Response.Headers.Location = location;
                return TusResults.ForChunk(context, outcome);
            }

            status = outcome.Status!;
        }
        else if (status.State.IsAfterBytes())
        {
            // A final upload whose parts were all complete: assembled and processed before the answer.
            var processed = await services.Receiver.ProcessedAsync(status);
            if (processed.Result == ChunkResult.Rejected)
            {
                context.Response.Headers.Location = location;
                return TusResults.ForChunk(context, processed);
            }

            status = processed.Status!;
        }

        TusResults.AddOffset(context, status);
        return TypedResults.Created(location);
    }

    private static Task<IResult> HeadAsync(string id, HttpContext context, [AsParameters] UploadServices services)
    {
        if (ResumableDraft.Speaks(context.Request))
        {
            return ResumableDraftApi.HeadAsync(id, context, services);
        }

        context.Response.Headers.CacheControl = "no-store";
        return services.ForCallerUploadAsync(id, context, status => Task.FromResult(TusResults.ForHead(context, status, partId => UploadLocation.Of(context.Request, partId))), TypedResults.NotFound());
    }

    private static async Task<IResult> PatchAsync(string id, HttpContext context, [AsParameters] UploadServices services)
    {
        var request = context.Request;
        if (ResumableDraft.Speaks(request))
        {
            return await ResumableDraftApi.PatchAsync(id, context, services);
        }

        if (!BodyType.Is(request, TusHeaders.OffsetContentType))
        {
            return TusResults.Problem(StatusCodes.Status415UnsupportedMediaType, $"PATCH bodies must be {TusHeaders.OffsetContentType}.");
        }

        if (!TusHeaders.TryParseSize(request.Headers[TusHeaders.UploadOffset], out var offset))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "Upload-Offset must be a non-negative whole number of bytes.");
        }

        if (!TusChecksum.TryParse(request.Headers[TusHeaders.UploadChecksum], out var checksum, out var checksumError))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, checksumError!);
        }

        // creation-defer-length: the size of an upload created without one comes with a later PATCH.
        long? declaredLength = null;
        if (request.Headers[TusHeaders.UploadLength].ToString() is { Length: > 0 } lengthHeader)
        {
            if (TusCreation.ReadLength(lengthHeader, services.Options.Value.MaxSizeBytes, out var length) is { } lengthProblem)
            {
                return lengthProblem;
            }

            declaredLength = length;
        }

        // Whether this write may start (the upload's state, the offset, the size) is the grain's call.
        var chunk = new ChunkRequest(id, services.OwnerOf(context), offset, checksum, request.BodyReader, request.ContentLength,
            Limit: services.Options.Value.MaxSizeBytes, DeclaredLength: declaredLength);
        return TusResults.ForChunk(context, await services.Receiver.ReceiveAsync(chunk, context.RequestAborted));
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, [AsParameters] UploadServices services) =>
        await services.Cancellation.CancelAsync(id, services.OwnerOf(context), context.RequestAborted) is null
            ? TusResults.NotFound()
            : TypedResults.NoContent();
}
