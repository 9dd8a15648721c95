using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Tus;

/// <summary>
/// The headers and problems of the IETF resumable-uploads draft (draft-ietf-httpbis-resumable-upload,
/// interop versions 5 to 9), which clients select with <c>Upload-Draft-Interop-Version</c>. Its fields
/// are structured fields: a Boolean <c>Upload-Complete</c> (<c>?1</c> or <c>?0</c>), Integers for
/// <c>Upload-Offset</c> and <c>Upload-Length</c>; an invalid value counts as absent.
/// </summary>
/// <remarks>
/// A protocol apart from tus, so its vocabulary is apart from <see cref="TusHeaders"/>, each a class of header
/// names; the names both protocols share (<c>Upload-Offset</c>, <c>Upload-Length</c>) are taken from there.
/// </remarks>
public static class ResumableDraft
{
    public const string InteropVersion = "Upload-Draft-Interop-Version";
    public const string UploadComplete = "Upload-Complete";
    public const string UploadLimit = "Upload-Limit";
    public const string PartialUploadType = "application/partial-upload";
    private const string ProblemTypes = "https://iana.org/assignments/http-problem-types#";
    // Every version is answered as the draft's latest text says (PUT and PATCH creation, GET offset
    // retrieval, 104 progress), a superset of what the older ones ask. 5 (draft 03) and 6 (drafts 04 and
    // 05) are what tus-js-client sends in its two draft modes; 9 is answered as the newest text.
    private static readonly string[] Versions = ["5", "6", "7", "8", "9"];

    /// <summary>Draft 03 (interop version 5) named no media type for appends; later drafts require <see cref="PartialUploadType"/>.</summary>
    private const string UntypedAppendsVersion = "5";

    /// <summary>Whether the request speaks the draft (a version this service implements) rather than tus.</summary>
    public static bool Speaks(HttpRequest request) => Versions.Contains(request.Headers[InteropVersion].ToString());

    /// <summary>Whether the request's version requires appends to be <see cref="PartialUploadType"/>.</summary>
    public static bool TypesAppends(HttpRequest request) => request.Headers[InteropVersion].ToString() != UntypedAppendsVersion;

    /// <summary>The Boolean <c>Upload-Complete</c>; null when absent or not a Boolean.</summary>
    public static bool? Complete(HttpRequest request) => request.Headers[UploadComplete].ToString().Trim() switch
    {
        "?1" => true,
        "?0" => false,
        _ => null,
    };

    /// <summary>An Integer field (<c>Upload-Offset</c>, <c>Upload-Length</c>); null when absent or invalid.</summary>
    public static long? Integer(HttpRequest request, string field) =>
        TusHeaders.TryParseSize(request.Headers[field].ToString().Trim(), out var value) && value <= 999_999_999_999_999 ? value : null;

    /// <summary>The headers of every answer about an upload: its offset, whether it is complete, its length when known, and the limits.</summary>
    public static void AddUploadHeaders(HttpContext context, UploadStatus status, long maxSize)
    {
        var headers = context.Response.Headers;
        headers[TusHeaders.UploadOffset] = status.BytesReceived.ToString();
        // Complete means every byte arrived: processing after that does not make it incomplete.
        headers[UploadComplete] = status.State == UploadState.Completed || status.State.IsAfterBytes() ? "?1" : "?0";
        if (status.TotalBytes is { } total)
        {
            headers[TusHeaders.UploadLength] = total.ToString();
        }

        AddLimit(headers, maxSize);
    }

    public static void AddLimit(IHeaderDictionary headers, long maxSize) => headers[UploadLimit] = Limit(maxSize);

    /// <summary>The <c>Upload-Limit</c> Dictionary of this service's limits.</summary>
    public static string Limit(long maxSize) => $"max-size={maxSize}";

    /// <summary>409: the append's offset is not the upload's; the answer carries the right one.</summary>
    public static IResult MismatchingOffset(HttpContext context, long expected, long provided)
    {
        context.Response.Headers[TusHeaders.UploadOffset] = expected.ToString();
        context.Response.Headers[UploadComplete] = "?0";
        return TypedResults.Problem(
            $"The upload is at offset {expected}, not {provided}.", statusCode: StatusCodes.Status409Conflict, type: ProblemTypes + "mismatching-upload-offset",
            extensions: new Dictionary<string, object?> { ["expected-offset"] = expected, ["provided-offset"] = provided });
    }

    /// <summary>400: the lengths a request gives (or gave before) disagree, or bytes were sent to an upload that is complete.</summary>
    public static IResult InconsistentLength(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes + "inconsistent-upload-length");

    public static IResult CompletedUpload() =>
        TypedResults.Problem("The upload is complete and takes no more bytes.", statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes + "completed-upload");
}
