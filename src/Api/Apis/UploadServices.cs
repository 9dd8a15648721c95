using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Access;
using OrleansUploads.Api.Limits;
using OrleansUploads.Api.Storage;
using OrleansUploads.Api.Tus;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Apis;

/// <summary>What the upload endpoints need, bundled for <c>[AsParameters]</c>.</summary>
public sealed record UploadServices(
    UploadLookup Lookup,
    IUploadStore Store,
    ChunkReceiver Receiver,
    UploadCancellation Cancellation,
    UploadAdmission Admission,
    UploadCaller Caller,
    InterimResponses Interim,
    IOptions<UploadApiOptions> Options,
    IOptions<LimitOptions> Limits)
{
    public string OwnerOf(HttpContext context) => Caller.OwnerOf(context.User);

    /// <summary>
    /// Answers with what <paramref name="answer"/> makes of the caller's upload, or with
    /// <paramref name="notFound"/> (404) when the caller has none with this id: an unknown id and
    /// another owner's upload look alike.
    /// </summary>
    public async Task<IResult> ForCallerUploadAsync(string id, HttpContext context, Func<UploadStatus, Task<IResult>> answer, IResult? notFound = null) =>
        await Lookup.FindAsync(id, OwnerOf(context)) is { } status ? await answer(status) : notFound ?? TusResults.NotFound();
}
