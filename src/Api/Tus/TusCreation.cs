using OrleansUploads.Abstractions;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Tus;

/// <summary>What a tus creation request (<c>POST</c>) declares, read and checked header by header.</summary>
/// <param name="MetadataHeader">The <c>Upload-Metadata</c> header as sent (echoed back on HEAD); null when empty.</param>
/// <param name="WithUpload">The request carries the first bytes (creation-with-upload).</param>
public sealed record TusCreation(long Length, string? MetadataHeader, UploadMetadata Metadata, ChunkChecksum? Checksum, bool WithUpload)
{
    /// <returns>The problem to answer when a header is malformed or over a limit; null when <paramref name="creation"/> was read.</returns>
    public static IResult? Read(HttpRequest request, long maxSize, int maxMetadataBytes, out TusCreation creation)
    {
        creation = null!;
        if (!TusHeaders.TryParseSize(request.Headers[TusHeaders.UploadLength], out var length))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "Upload-Length must be a non-negative whole number of bytes.");
        }

        if (length > maxSize)
        {
            return TusResults.Problem(StatusCodes.Status413PayloadTooLarge, $"Uploads may be at most {maxSize} bytes.");
        }

        var metadataHeader = request.Headers[TusHeaders.UploadMetadata].ToString();
        if (metadataHeader.Length > maxMetadataBytes)
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, $"Upload-Metadata may be at most {maxMetadataBytes} bytes.");
        }

        if (!UploadMetadata.TryParse(metadataHeader, out var metadata, out var metadataError))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, metadataError!);
        }

        var withUpload = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        if (withUpload && request.ContentType != TusHeaders.OffsetContentType)
        {
            return TusResults.Problem(StatusCodes.Status415UnsupportedMediaType, $"A body sent with creation must be {TusHeaders.OffsetContentType}.");
        }

        if (request.ContentLength > length)
        {
            return TusResults.Problem(StatusCodes.Status413PayloadTooLarge, "The body is longer than Upload-Length.");
        }

        if (!TusChecksum.TryParse(request.Headers[TusHeaders.UploadChecksum], out var checksum, out var checksumError))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, checksumError!);
        }

        creation = new TusCreation(length, metadataHeader.Length == 0 ? null : metadataHeader, metadata, checksum, withUpload);
        return null;
    }
}
