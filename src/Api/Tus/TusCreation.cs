using OrleansUploads.Abstractions;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Tus;

/// <summary>What a tus creation request (<c>POST</c>) declares, read and checked header by header.</summary>
/// <param name="MetadataHeader">The <c>Upload-Metadata</c> header as sent (echoed back on HEAD); null when empty.</param>
/// <param name="WithUpload">The request carries the first bytes (creation-with-upload).</param>
/// <param name="Partial">A partial upload (concatenation).</param>
/// <param name="Parts">For a final upload (concatenation): the ids of its partial uploads, in order.</param>
/// <param name="Length">The declared size; null when deferred (<c>Upload-Defer-Length: 1</c>), to be declared by a later PATCH.</param>
public sealed record TusCreation(long? Length, string? MetadataHeader, UploadMetadata Metadata, ChunkChecksum? Checksum, bool WithUpload, bool Partial, string[]? Parts)
{
    /// <summary>An <c>Upload-Length</c>, at creation or declared later by a PATCH (creation-defer-length).</summary>
    /// <returns>The problem to answer when it is malformed or over <paramref name="maxSize"/>; null when read.</returns>
    public static IResult? ReadLength(string header, long maxSize, out long length) =>
        !TusHeaders.TryParseSize(header, out length) ? TusResults.Problem(StatusCodes.Status400BadRequest, "Upload-Length must be a non-negative whole number of bytes.")
        : length > maxSize ? TusResults.Problem(StatusCodes.Status413PayloadTooLarge, $"Uploads may be at most {maxSize} bytes.")
        : null;

    /// <returns>The problem to answer when a header is malformed or over a limit; null when <paramref name="creation"/> was read.</returns>
    public static IResult? Read(HttpRequest request, string uploadsPath, long maxSize, int maxMetadataBytes, out TusCreation creation)
    {
        creation = null!;
        var deferred = request.Headers[TusHeaders.UploadDeferLength].ToString();
        var declared = request.Headers[TusHeaders.UploadLength].ToString();
        if (TusConcat.Read(request.Headers[TusHeaders.UploadConcat].ToString(), uploadsPath, out var partial, out var parts) is { } concatProblem)
        {
            return concatProblem;
        }

        var withUpload = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (parts is not null)
        {
            // A final upload's length is its parts', and it takes no bytes of its own.
            return declared.Length > 0 || deferred.Length > 0 || withUpload
                ? TusResults.Problem(StatusCodes.Status400BadRequest, "A final upload has no Upload-Length, Upload-Defer-Length or body of its own: its parts have them.")
                : ReadMetadata(request, maxMetadataBytes, out var finalHeader, out var finalMetadata) ?? Done(out creation, new TusCreation(null, finalHeader, finalMetadata, null, false, false, parts));
        }

        if (deferred.Length > 0 && (deferred != "1" || declared.Length > 0))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "Upload-Defer-Length must be 1, and comes without Upload-Length.");
        }

        long? length = null;
        if (deferred.Length == 0)
        {
            if (ReadLength(declared, maxSize, out var size) is { } lengthProblem)
            {
                return lengthProblem;
            }

            length = size;
        }

        if (ReadMetadata(request, maxMetadataBytes, out var metadataHeader, out var metadata) is { } metadataProblem)
        {
            return metadataProblem;
        }

        if (withUpload && !BodyType.Is(request, TusHeaders.OffsetContentType))
        {
            return TusResults.Problem(StatusCodes.Status415UnsupportedMediaType, $"A body sent with creation must be {TusHeaders.OffsetContentType}.");
        }

        if (request.ContentLength > (length ?? maxSize))
        {
            return TusResults.Problem(StatusCodes.Status413PayloadTooLarge, "The body is longer than Upload-Length.");
        }

        if (!TusChecksum.TryParse(request.Headers[TusHeaders.UploadChecksum], out var checksum, out var checksumError))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, checksumError!);
        }

        return Done(out creation, new TusCreation(length, metadataHeader, metadata, checksum, withUpload, partial, null));
    }

    /// <summary>An <c>Upload-Metadata</c> header, read and checked against <paramref name="maxMetadataBytes"/>.</summary>
    /// <param name="header">The header as sent, null when empty.</param>
    /// <returns>The problem to answer when it is malformed or too long; null when read.</returns>
    public static IResult? ReadMetadata(HttpRequest request, int maxMetadataBytes, out string? header, out UploadMetadata metadata)
    {
        var sent = request.Headers[TusHeaders.UploadMetadata].ToString();
        header = sent.Length == 0 ? null : sent;
        metadata = UploadMetadata.Empty;
        if (sent.Length > maxMetadataBytes)
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, $"Upload-Metadata may be at most {maxMetadataBytes} bytes.");
        }

        return UploadMetadata.TryParse(sent, out metadata, out var error) ? null : TusResults.Problem(StatusCodes.Status400BadRequest, error!);
    }

    private static IResult? Done(out TusCreation creation, TusCreation read)
    {
        creation = read;
        return null;
    }
}
