using System.IO.Pipelines;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Tus;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Uploads from clients that do not speak tus (<c>curl -F file=@big.iso</c>): the first file part is
/// streamed into storage as it arrives and tracked by a grain like any other upload.
/// </summary>
public static class MultipartUpload
{
    public static async Task<IResult> ReceiveAsync(HttpContext context, UploadServices services)
    {
        var boundary = HeaderUtilities.RemoveQuotes(MediaTypeHeaderValue.Parse(context.Request.ContentType).Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "multipart/form-data needs a boundary.");
        }

        var reader = new MultipartReader(boundary, context.Request.Body);
        MultipartSection? section;
        try
        {
            while ((section = await reader.ReadNextSectionAsync(context.RequestAborted)) is not null
                && section.GetContentDispositionHeader() is not { FileName.HasValue: true } and not { FileNameStar.HasValue: true })
            {
            }
        }
        catch (IOException)
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "The multipart body is malformed.");
        }

        if (section is null)
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "The form has no file part.");
        }

        var disposition = section.GetContentDispositionHeader()!;
        var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
        var owner = services.Caller.OwnerOf(context.User);
        var (created, refusal) = await services.Admission.CreateAsync(new UploadCreation(null, fileName, section.ContentType, null, owner), context.RequestAborted);
        if (created is null)
        {
            return refusal!;
        }

        var id = created.Id;
        var grain = services.Grains.GetGrain<IUploadGrain>(id);

        var limit = services.Options.Value.MaxSizeBytes;
        var outcome = await services.Receiver.ReceiveAsync(
            new ChunkRequest(id, owner, 0, null, PipeReader.Create(section.Body), CompleteAtEnd: true, Limit: limit, WakeOnPause: false), context.RequestAborted);
        if (outcome.Result == ChunkResult.Completed)
        {
            return TypedResults.Created($"{context.Request.PathBase}/api/uploads/{id}", outcome.Status);
        }

        // Without tus a client cannot resume, so a part-received file is of no use to anyone.
        var reason = outcome.Result == ChunkResult.TooLarge ? $"The file is larger than {limit} bytes." : "The file did not arrive whole.";
        await grain.FailAsync(reason);
        await services.Store.DeleteAsync(id, CancellationToken.None);
        return outcome.Result == ChunkResult.TooLarge
            ? TusResults.Problem(StatusCodes.Status413PayloadTooLarge, reason)
            : TusResults.ForChunk(context, outcome);
    }
}
