using System.IO.Pipelines;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Apis;

/// <summary>
/// Uploads from clients that do not speak tus (<c>curl -F file=@big.iso</c>): the first file part is
/// streamed into storage as it arrives and tracked by a grain like any other upload.
/// </summary>
public static class MultipartApi
{
    public static async Task<IResult> ReceiveAsync(HttpContext context, UploadServices services)
    {
        var sent = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var contentType) ? contentType : null;
        var isForm = sent?.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true;
        var boundary = HeaderUtilities.RemoveQuotes(sent?.Boundary ?? default).Value;
        if (!isForm || string.IsNullOrEmpty(boundary))
        {
            // What a form upload is, and what came instead (curl -d sends a url-encoded form).
            var instead = isForm ? "multipart/form-data without a boundary" : sent is null ? "without a content type" : sent.MediaType.Value;
            return TusResults.Problem(StatusCodes.Status400BadRequest, $"A form upload is multipart/form-data with a file part; this request is {instead}.");
        }

        var (file, malformed) = await FirstFileAsync(new MultipartReader(boundary, context.Request.Body), context.RequestAborted);
        if (file is null)
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, malformed ? "The multipart body is malformed." : "The form has no file part.");
        }

        var disposition = file.GetContentDispositionHeader()!;
        var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
        var owner = services.OwnerOf(context);
        var admission = await services.Admission.CreateAsync(new UploadCreation(null, fileName, file.ContentType, null, owner, services.Caller.QuotaOf(context)), context.RequestAborted);
        if (admission.Created is not { } created)
        {
            return TusResults.ForRefusedCreation(admission);
        }

        var limit = services.Options.Value.MaxSizeBytes;
        var outcome = await services.Receiver.ReceiveAsync(
            new ChunkRequest(created.Id, owner, 0, null, PipeReader.Create(file.Body), CompleteAtEnd: true, Limit: limit, WakeOnPause: false), context.RequestAborted);
        // Every byte arrived: created, whatever processing makes of the file (the status says how it stands).
        if (outcome.Result is ChunkResult.Completed or ChunkResult.Processing)
        {
            return TypedResults.Created(UploadLocation.Of(context.Request, created.Id), outcome.Status);
        }

        if (outcome.Result == ChunkResult.Rejected)
        {
            return TusResults.ForChunk(context, outcome);
        }

        // Without tus a client cannot resume, so a part-received file is of no use to anyone.
        var reason = outcome.Result == ChunkResult.TooLarge ? $"The file is larger than {limit} bytes." : "The file did not arrive whole.";
        await services.Lookup.GrainOf(created.Id)!.FailAsync(reason);
        await services.Store.DeleteAsync(created.Id, CancellationToken.None);
        return outcome.Result switch
        {
            ChunkResult.TooLarge => TusResults.Problem(StatusCodes.Status413PayloadTooLarge, reason),
            // The tus answers would say what arrived is kept; here it is not.
            ChunkResult.Stored or ChunkResult.Disconnected or ChunkResult.Superseded => TusResults.Problem(StatusCodes.Status400BadRequest, "The file did not arrive whole; nothing of it was kept. Send the form again."),
            ChunkResult.TooSlow => TusResults.Problem(StatusCodes.Status408RequestTimeout, "The file arrived too slowly and was cut; nothing of it was kept. Send the form again."),
            ChunkResult.StorageFull => TusResults.Problem(StatusCodes.Status507InsufficientStorage, "The server's storage is full or read-only; nothing of the file was kept."),
            ChunkResult.Draining => TusResults.Draining("This server is shutting down; nothing of the file was kept. Send the form again, to another server."),
            _ => TusResults.ForChunk(context, outcome),
        };
    }

    /// <summary>The first part that carries a file; none when the form has no file or cannot be read as a form.</summary>
    private static async Task<(MultipartSection? File, bool Malformed)> FirstFileAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(cancellationToken)) is not null
                && section.GetContentDispositionHeader() is not { FileName.HasValue: true } and not { FileNameStar.HasValue: true })
            {
            }

            return (section, false);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException)
        {
            // A body that is not a form (bad boundaries, part headers past the reader's limits).
            return (null, true);
        }
    }
}
