using Microsoft.AspNetCore.SignalR;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Progress;

/// <summary>Watch any upload by id and cancel it, from any browser, tab or program.</summary>
public sealed class UploadHub(IGrainFactory grains, ProgressRelay relay, UploadCancellation cancellation) : Hub<IUploadClient>
{
    /// <summary>Joins the upload's group and returns its status now, so a late joiner is never left blank.</summary>
    public async Task<UploadStatus> Watch(string uploadId)
    {
        // Subscribe before reading the status, so nothing published in between is missed.
        await relay.WatchAsync(Context.ConnectionId, RequireId(uploadId));
        var status = await grains.GetGrain<IUploadGrain>(uploadId).GetStatusAsync();
        if (status is null)
        {
            await relay.UnwatchAsync(Context.ConnectionId, uploadId);
            throw UnknownUpload(uploadId);
        }

        return status;
    }

    public Task Unwatch(string uploadId) => relay.UnwatchAsync(Context.ConnectionId, uploadId);

    /// <summary>The same cancellation as <c>DELETE /api/uploads/{id}</c>.</summary>
    public async Task<UploadStatus> Cancel(string uploadId) =>
        await cancellation.CancelAsync(RequireId(uploadId), Context.ConnectionAborted) ?? throw UnknownUpload(uploadId);

    public override Task OnDisconnectedAsync(Exception? exception) => relay.UnwatchAllAsync(Context.ConnectionId);

    private static string RequireId(string uploadId) => UploadId.IsValid(uploadId) ? uploadId : throw UnknownUpload(uploadId);

    private static HubException UnknownUpload(string uploadId) => new($"No upload has the id '{uploadId}'.");
}
