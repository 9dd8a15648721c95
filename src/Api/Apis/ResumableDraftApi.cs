using OrleansUploads.Abstractions;
using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Apis;

/// <summary>
/// The IETF resumable-uploads draft on the same endpoint as tus, for requests that carry
/// <c>Upload-Draft-Interop-Version</c>: creation with <c>Upload-Complete</c> (POST, or PUT and PATCH),
/// offset retrieval with HEAD or GET, appends of <c>application/partial-upload</c>, and cancellation
/// with DELETE (shared with tus).
/// The uploads are the same grains, events and status API as tus uploads.
/// </summary>
/// <remarks>
/// A creation announces its upload with <c>104 Upload Resumption Supported</c> (<see cref="InterimResponses"/>)
/// before its body is read, so a client cut off mid-body knows where to resume.
/// </remarks>
public static class ResumableDraftApi
{
    public static async Task<IResult> CreateAsync(HttpContext context, UploadServices services)
    {
        var request = context.Request;
        var maxSize = services.Options.Value.MaxSizeBytes;
        if (ResumableDraft.Complete(request) is not { } complete)
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "Upload-Complete (?1 or ?0) is required to create an upload.");
        }

        var length = ResumableDraft.Integer(request, TusHeaders.UploadLength);
        if (complete && request.ContentLength is { } whole)
        {
            if (length is { } declared && declared != whole)
            {
                return ResumableDraft.InconsistentLength($"Upload-Length says {declared} bytes, and the complete content is {whole}.");
            }

            length = whole;
        }

        if (length > maxSize)
        {
            ResumableDraft.AddLimit(context.Response.Headers, maxSize);
            return TusResults.Problem(StatusCodes.Status413PayloadTooLarge, $"Uploads may be at most {maxSize} bytes.");
        }

        // The draft names no metadata; clients that speak tus too (tus-js-client) send tus's Upload-Metadata.
        if (TusCreation.ReadMetadata(request, services.Limits.Value.MaxMetadataBytes, out var metadataHeader, out var metadata) is { } metadataProblem)
        {
            return metadataProblem;
        }

        var owner = services.OwnerOf(context);
        // The content's own type, unless the body is only the first part of it.
        var contentType = metadata.Text("filetype", "type") ?? (BodyType.Is(request, ResumableDraft.PartialUploadType) ? null : request.ContentType);
        var creation = new UploadCreation(length, metadata.Text("filename", "name"), contentType, metadataHeader, owner, services.Caller.QuotaOf(context));
        var admission = await services.Admission.CreateAsync(creation, context.RequestAborted);
        if (admission.Created is not { } created)
        {
            return TusResults.ForRefusedCreation(admission);
        }

        UploadTrace.Tag(created.Id);
        var location = UploadLocation.Of(request, created.Id);
        context.Response.Headers.Location = location;
        await services.Interim.TrySendAsync(context, InterimResponses.UploadResumptionSupported,
            [(ResumableDraft.InteropVersion, request.Headers[ResumableDraft.InteropVersion].ToString()), ("Location", location), (ResumableDraft.UploadLimit, ResumableDraft.Limit(maxSize))]);

        var outcome = await ReceiveWithProgressAsync(context, services, 0, progress =>
            new ChunkRequest(created.Id, owner, 0, null, request.BodyReader, request.ContentLength, CompleteAtEnd: complete && length is null, Limit: maxSize, OnCommitted: progress));
        return outcome.Result is ChunkResult.Stored or ChunkResult.Completed or ChunkResult.Processing
            ? Answer(context, outcome.Status!, maxSize, StatusCodes.Status201Created)
            : TusResults.ForChunk(context, outcome);
    }

    public static Task<IResult> HeadAsync(string id, HttpContext context, UploadServices services)
    {
        // Every answer, 404 and 410 included: a cached "gone" would outlive a retry.
        context.Response.Headers.CacheControl = "no-store";
        return services.ForCallerUploadAsync(id, context, status =>
        {
            if (status.State.IsGone())
            {
                return Task.FromResult<IResult>(TypedResults.StatusCode(StatusCodes.Status410Gone));
            }

            AddOffsetRetrievalHeaders(context, status, services.Options.Value.MaxSizeBytes);
            return Task.FromResult<IResult>(TypedResults.StatusCode(StatusCodes.Status204NoContent));
        }, TypedResults.NotFound());
    }

    /// <summary>What offset retrieval answers, with HEAD or with GET (whose content is then the status).</summary>
    public static void AddOffsetRetrievalHeaders(HttpContext context, UploadStatus status, long maxSize)
    {
        context.Response.Headers.CacheControl = "no-store";
        ResumableDraft.AddUploadHeaders(context, status, maxSize);
    }

    public static async Task<IResult> PatchAsync(string id, HttpContext context, UploadServices services)
    {
        var request = context.Request;
        var maxSize = services.Options.Value.MaxSizeBytes;
        if (ResumableDraft.TypesAppends(request) && !BodyType.Is(request, ResumableDraft.PartialUploadType))
        {
            return TusResults.Problem(StatusCodes.Status415UnsupportedMediaType, $"Appends are {ResumableDraft.PartialUploadType}.");
        }

        if (ResumableDraft.Integer(request, TusHeaders.UploadOffset) is not { } offset || ResumableDraft.Complete(request) is not { } complete)
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "An append carries Upload-Offset (an Integer) and Upload-Complete (?1 or ?0).");
        }

        var declared = ResumableDraft.Integer(request, TusHeaders.UploadLength);
        var ending = complete && request.ContentLength is { } rest ? offset + rest : (long?)null;
        if (declared is not null && ending is not null && declared != ending)
        {
            return ResumableDraft.InconsistentLength($"Upload-Length says {declared} bytes, and this append would complete the upload at {ending}.");
        }

        var outcome = await ReceiveWithProgressAsync(context, services, offset, progress => new ChunkRequest(id, services.OwnerOf(context), offset, null, request.BodyReader,
            request.ContentLength, CompleteAtEnd: complete && (declared ?? ending) is null, Limit: maxSize, DeclaredLength: declared ?? ending, OnCommitted: progress));
        return outcome switch
        {
            { Result: ChunkResult.Stored or ChunkResult.Completed or ChunkResult.Processing, Status: { } status } => Answer(context, status, maxSize, StatusCodes.Status204NoContent),
            { Result: ChunkResult.OffsetMismatch, Status: { } status } => ResumableDraft.MismatchingOffset(context, status.BytesReceived, offset),
            { Result: ChunkResult.Finished, Status.State: UploadState.Completed } => request.ContentLength is 0
                ? TypedResults.StatusCode(StatusCodes.Status410Gone)
                : ResumableDraft.InconsistentLength("The upload is complete; it takes no more bytes."),
            { Result: ChunkResult.LengthMismatch or ChunkResult.TooLarge } => ResumableDraft.InconsistentLength("The bytes sent run past, or disagree with, the upload's length."),
            _ => TusResults.ForChunk(context, outcome),
        };
    }

    /// <summary>Stores the body while telling the client, in interim responses, each offset the grain stores.</summary>
    private static async Task<ChunkOutcome> ReceiveWithProgressAsync(HttpContext context, UploadServices services, long start, Func<Action<long>?, ChunkRequest> chunk)
    {
        var progress = InterimProgress.For(context, services.Interim, start);
        try
        {
            return await services.Receiver.ReceiveAsync(chunk(progress is null ? null : progress.Report), context.RequestAborted);
        }
        finally
        {
            if (progress is not null)
            {
                await progress.CloseAsync();
            }
        }
    }

    private static IResult Answer(HttpContext context, UploadStatus status, long maxSize, int statusCode)
    {
        ResumableDraft.AddUploadHeaders(context, status, maxSize);
        return TypedResults.StatusCode(statusCode);
    }
}
