using Microsoft.Extensions.Options;
using OrleansUploads.Api.Access;
using OrleansUploads.Api.Limits;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>What the upload endpoints need, bundled for <c>[AsParameters]</c>.</summary>
public sealed record UploadServices(
    IGrainFactory Grains,
    IUploadStore Store,
    ChunkReceiver Receiver,
    UploadCancellation Cancellation,
    UploadAdmission Admission,
    UploadCaller Caller,
    IOptions<UploadApiOptions> Options,
    IOptions<LimitOptions> Limits);
