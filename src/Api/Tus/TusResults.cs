using OrleansUploads.Abstractions;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Tus;

/// <summary>The tus answers for each way an upload request can end, in one place.</summary>
public static class TusResults
{
    public static IResult ForChunk(HttpContext context, ChunkOutcome outcome)
    {
        if (outcome.Status is { } status && outcome.Result is ChunkResult.Stored or ChunkResult.Completed or ChunkResult.Processing or ChunkResult.Rejected
            or ChunkResult.OffsetMismatch or ChunkResult.TooSlow or ChunkResult.StorageFull or ChunkResult.Draining)
        {
            AddOffset(context, status);
            AddState(context, status);
        }

        return outcome.Result switch
        {
            ChunkResult.Stored or ChunkResult.Completed or ChunkResult.Processing => TypedResults.NoContent(),
            // Every byte arrived; the file itself was refused. 422: repeating the request cannot help.
            ChunkResult.Rejected => Problem(StatusCodes.Status422UnprocessableEntity, outcome.Status?.Error ?? "The upload failed verification."),
            ChunkResult.NotFound => NotFound(),
            ChunkResult.Finished => ForFinished(outcome.Status!),
            ChunkResult.OffsetMismatch => Problem(StatusCodes.Status409Conflict, "Upload-Offset does not match the upload's offset; ask with HEAD and resume from there."),
            ChunkResult.ChecksumMismatch => Problem(TusHeaders.ChecksumMismatch, "The chunk does not match its Upload-Checksum and was discarded."),
            ChunkResult.TooLarge => Problem(StatusCodes.Status413PayloadTooLarge, "The body runs past the upload's declared size; the chunk was discarded."),
            ChunkResult.NotWritable => Problem(StatusCodes.Status403Forbidden, "A final upload takes no bytes of its own: send them to its partial uploads."),
            ChunkResult.LengthMismatch => Problem(StatusCodes.Status400BadRequest,
                outcome.Status?.TotalBytes is { } total ? $"Upload-Length is {total} already and cannot change." : "Upload-Length cannot be less than the bytes already stored."),
            ChunkResult.Superseded => Problem(StatusCodes.Status409Conflict, "This request lost its hold on the upload: another request took it over, or the upload moved to another server. What this one stored is kept; HEAD for the offset and resume."),
            ChunkResult.Cancelled => Problem(StatusCodes.Status410Gone, "The upload was cancelled."),
            // 408, not 400: the client did nothing wrong and should resume from Upload-Offset.
            ChunkResult.TooSlow => Problem(StatusCodes.Status408RequestTimeout, "The body arrived too slowly and was cut; what arrived is kept, resume from Upload-Offset."),
            ChunkResult.DataLost => Problem(StatusCodes.Status410Gone, outcome.Status?.Error ?? "Stored data was lost."),
            ChunkResult.StorageFull => Problem(StatusCodes.Status507InsufficientStorage,
                "The server's storage is full or read-only. What was stored is kept: resume from Upload-Offset once space is freed."),
            ChunkResult.Draining => Draining("This server is shutting down; what arrived is kept. Resume from Upload-Offset, at another server."),
            ChunkResult.StorageUnavailable => RetryLater(
                Problem(StatusCodes.Status503ServiceUnavailable, "The server cannot reach its storage right now; nothing stored was changed. Retry shortly."), "1"),
            _ => Problem(StatusCodes.Status400BadRequest, "The request body ended early; what arrived is kept."),
        };
    }

    /// <summary>tus HEAD: the committed offset, the length (or that it is deferred) and the metadata as sent.</summary>
    /// <param name="locationOf">The URL of an upload by its id, for the parts of a final upload.</param>
    public static IResult ForHead(HttpContext context, UploadStatus status, Func<string, string> locationOf)
    {
        AddState(context, status);
        if (status.State.IsGone())
        {
            return TypedResults.StatusCode(StatusCodes.Status410Gone);
        }

        var headers = context.Response.Headers;
        if (TusConcat.HeaderOf(status, locationOf) is { } concat)
        {
            headers[TusHeaders.UploadConcat] = concat;
        }

        // A final upload has an offset of its own only once its parts are joined; until then it is the parts'.
        if (status.Concat != "final" || status.State == UploadState.Completed)
        {
            AddOffset(context, status);
        }
        if (status.TotalBytes is { } total)
        {
            headers[TusHeaders.UploadLength] = total.ToString();
        }
        else
        {
            headers[TusHeaders.UploadDeferLength] = "1";
        }

        if (status.Metadata is { } metadata)
        {
            headers[TusHeaders.UploadMetadata] = metadata;
        }

        return TypedResults.Ok();
    }

    /// <summary>An upload that takes no more bytes: gone if cancelled, failed or expired; forbidden to extend if complete.</summary>
    public static IResult ForFinished(UploadStatus status) => status.State == UploadState.Completed
        ? Problem(StatusCodes.Status403Forbidden, "The upload is already complete.")
        : Problem(StatusCodes.Status410Gone, $"The upload is {status.State.ToString().ToLowerInvariant()}.");

    /// <summary>
    /// The committed offset, with tus <c>expiration</c>: when an unfinished upload expires unless more
    /// bytes arrive.
    /// </summary>
    public static void AddOffset(HttpContext context, UploadStatus status)
    {
        context.Response.Headers[TusHeaders.UploadOffset] = status.BytesReceived.ToString();
        if (status.ExpiresAt is { } expiresAt)
        {
            context.Response.Headers[TusHeaders.UploadExpires] = expiresAt.ToString("r");
        }
    }

    /// <summary>
    /// Where the upload is, past what tus says: <c>Upload-State: processing; stage="content-type"</c>,
    /// <c>completed</c>, or <c>failed; stage="checksum"</c> (the status JSON has the reason).
    /// </summary>
    public static void AddState(HttpContext context, UploadStatus status) =>
        context.Response.Headers[TusHeaders.UploadState] = status.Stage is { } stage && (status.State.IsAfterBytes() || status.State == UploadState.Failed)
            ? $"{status.State.ToString().ToLowerInvariant()}; stage=\"{stage}\""
            : status.State.ToString().ToLowerInvariant();

    /// <summary>
    /// A creation that was refused: by a validator (its status and message), for too many unfinished
    /// uploads (429; the owner may try again once one finishes), or because a hook could not be asked (503).
    /// </summary>
    public static IResult ForRefusedCreation(Admission refused) => refused.RefusedWith switch
    {
        StatusCodes.Status429TooManyRequests => RetryLater(Problem(StatusCodes.Status429TooManyRequests, refused.Message!), "60"),
        StatusCodes.Status503ServiceUnavailable => RetryLater(Problem(StatusCodes.Status503ServiceUnavailable, refused.Message!), "5"),
        var status => Problem(status ?? StatusCodes.Status403Forbidden, refused.Message ?? "The upload was refused."),
    };

    public static IResult NotFound() => Problem(StatusCodes.Status404NotFound, "No upload has this id.");

    public static IResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);

    /// <summary>
    /// 503 from an instance on its way out. The connection closes with the answer: the client's next
    /// request opens a new one (which a load balancer sends elsewhere), and no unsent body is waited for.
    /// </summary>
    public static IResult Draining(string detail) => new ClosingConnection(RetryLater(Problem(StatusCodes.Status503ServiceUnavailable, detail), "1"));

    private static IResult RetryLater(IResult inner, string retryAfter) => new WithRetryAfter(inner, retryAfter);

    private sealed class WithRetryAfter(IResult inner, string retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.RetryAfter = retryAfter;
            return inner.ExecuteAsync(context);
        }
    }

    private sealed class ClosingConnection(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.Connection = "close";
            return inner.ExecuteAsync(context);
        }
    }
}
