using Microsoft.AspNetCore.Mvc;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Apis;

/// <summary>The tus 1.0 core protocol with creation, creation-with-upload, termination and checksum.</summary>
public static class TusApi
{
    public static RouteGroupBuilder MapTusApi(this RouteGroupBuilder uploads)
    {
        uploads.MapMethods("", [HttpMethods.Options], Discover);
        uploads.MapPost("", CreateAsync).AddEndpointFilter(new TusResumableFilter(required: true));
        uploads.MapMethods("{id}", [HttpMethods.Head], HeadAsync).AddEndpointFilter(new TusResumableFilter(required: true));
        uploads.MapPatch("{id}", PatchAsync).AddEndpointFilter(new TusResumableFilter(required: true));
        uploads.MapDelete("{id}", DeleteAsync).AddEndpointFilter(new TusResumableFilter(required: false));
        return uploads;
    }

    private static IResult Discover(HttpContext context, [AsParameters] UploadServices services)
    {
        var headers = context.Response.Headers;
        headers[TusHeaders.TusVersion] = TusHeaders.Version;
        headers[TusHeaders.TusExtension] = TusHeaders.Extensions;
        headers[TusHeaders.TusMaxSize] = services.Options.Value.MaxSizeBytes.ToString();
        headers[TusHeaders.TusChecksumAlgorithm] = TusHeaders.ChecksumAlgorithms;
        return TypedResults.NoContent();
    }

    private static async Task<IResult> CreateAsync(HttpContext context, [AsParameters] UploadServices services)
    {
        var request = context.Request;
        if (request.HasFormContentType)
        {
            return await MultipartUpload.ReceiveAsync(context, services);
        }

        if (!TusHeaders.TryParseSize(request.Headers[TusHeaders.UploadLength], out var length))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "Upload-Length must be a non-negative whole number of bytes.");
        }

        if (length > services.Options.Value.MaxSizeBytes)
        {
            return TusResults.Problem(StatusCodes.Status413PayloadTooLarge, $"Uploads may be at most {services.Options.Value.MaxSizeBytes} bytes.");
        }

        var metadataHeader = request.Headers[TusHeaders.UploadMetadata].ToString();
        if (metadataHeader.Length > services.Limits.Value.MaxMetadataBytes)
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, $"Upload-Metadata may be at most {services.Limits.Value.MaxMetadataBytes} bytes.");
        }

        if (!TusMetadata.TryParse(metadataHeader, out var metadata, out var metadataError))
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

        var checksum = UploadChecksum.Parse(request.Headers[TusHeaders.UploadChecksum]);
        if (checksum.Error is not null)
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, checksum.Error);
        }

        var owner = services.Caller.OwnerOf(context.User);
        var creation = new UploadCreation(length, metadata.Text("filename", "name"), metadata.Text("filetype", "type"), NullIfEmpty(metadataHeader), owner);
        var (created, refusal) = await services.Admission.CreateAsync(creation, context.RequestAborted);
        if (created is not { } status)
        {
            return refusal!;
        }

        var id = status.Id;
        var location = $"{request.PathBase}/api/uploads/{id}";
        if (withUpload)
        {
            var outcome = await services.Receiver.ReceiveAsync(new ChunkRequest(id, owner, 0, checksum.Checksum, request.BodyReader), context.RequestAborted);
            if (outcome.Result is not (ChunkResult.Stored or ChunkResult.Completed))
            {
                // The upload exists either way; tell the client where, so it can resume.
                context.Response.Headers.Location = location;
                return TusResults.ForChunk(context, outcome);
            }

            status = outcome.Status!;
        }

        context.Response.Headers[TusHeaders.UploadOffset] = status.BytesReceived.ToString();
        TusResults.AddExpiry(context, status);
        return TypedResults.Created(location);
    }

    private static async Task<IResult> HeadAsync(string id, HttpContext context, [AsParameters] UploadServices services)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        if (await services.FindAsync(id, context.User) is not { } status)
        {
            return TypedResults.NotFound();
        }

        if (status.State.IsTerminal() && status.State != UploadState.Completed)
        {
            return TypedResults.StatusCode(StatusCodes.Status410Gone);
        }

        headers[TusHeaders.UploadOffset] = status.BytesReceived.ToString();
        TusResults.AddExpiry(context, status);
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

    private static async Task<IResult> PatchAsync(string id, HttpContext context, [AsParameters] UploadServices services)
    {
        var request = context.Request;
        if (request.ContentType != TusHeaders.OffsetContentType)
        {
            return TusResults.Problem(StatusCodes.Status415UnsupportedMediaType, $"PATCH bodies must be {TusHeaders.OffsetContentType}.");
        }

        if (!TusHeaders.TryParseSize(request.Headers[TusHeaders.UploadOffset], out var offset))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "Upload-Offset must be a non-negative whole number of bytes.");
        }

        var checksum = UploadChecksum.Parse(request.Headers[TusHeaders.UploadChecksum]);
        if (checksum.Error is not null)
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, checksum.Error);
        }

        if (await services.FindAsync(id, context.User) is not { } status)
        {
            return TusResults.NotFound();
        }

        // Refuse what is wrong before taking the lease, so a writer in flight is not disturbed.
        if (status.State.IsTerminal())
        {
            return TusResults.ForFinished(status);
        }

        if (offset != status.BytesReceived && status.State != UploadState.Uploading)
        {
            return TusResults.ForChunk(context, new ChunkOutcome(ChunkResult.OffsetMismatch, status));
        }

        if (status.TotalBytes is { } total && offset + (request.ContentLength ?? 0) > total)
        {
            return TusResults.Problem(StatusCodes.Status413PayloadTooLarge, "The body runs past the upload's declared size.");
        }

        var outcome = await services.Receiver.ReceiveAsync(new ChunkRequest(id, status.Owner, offset, checksum.Checksum, request.BodyReader), context.RequestAborted);
        return TusResults.ForChunk(context, outcome);
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, [AsParameters] UploadServices services) =>
        await services.Cancellation.CancelAsync(id, services.Caller.OwnerOf(context.User), context.RequestAborted) is null
            ? TusResults.NotFound()
            : TypedResults.NoContent();

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
