using Microsoft.AspNetCore.SignalR;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Access;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Progress;

/// <summary>Watch any upload by id and cancel it, from any browser, tab or program.</summary>
public sealed class UploadHub(UploadLookup lookup, ProgressRelay relay, UploadCancellation cancellation, UploadCaller caller) : Hub<IUploadClient>
{
    public const string Path = "/hubs/uploads";

    /// <summary>Joins the upload's group and returns its status now, so a late joiner is never left blank.</summary>
    public async Task<UploadStatus> Watch(string uploadId)
    {
        // Only the owner may join; then subscribe before taking the snapshot, which also has the upload
        // publish from then on, so nothing in between is missed, not even the completion that taking it
        // may cause (an upload whose bytes were all stored by a writer that died is completed by whoever looks first).
        _ = await lookup.FindAsIsAsync(uploadId, Owner) ?? throw UnknownUpload(uploadId);
        await relay.WatchAsync(Context.ConnectionId, uploadId);
        return await lookup.WatchAsync(uploadId, Owner) ?? throw UnknownUpload(uploadId);
    }

    public Task Unwatch(string uploadId) => relay.UnwatchAsync(Context.ConnectionId, uploadId);

    /// <summary>The same cancellation as <c>DELETE /api/uploads/{id}</c>.</summary>
    public async Task<UploadStatus> Cancel(string uploadId) =>
        await cancellation.CancelAsync(uploadId, Owner, Context.ConnectionAborted) ?? throw UnknownUpload(uploadId);

    public override Task OnDisconnectedAsync(Exception? exception) => relay.UnwatchAllAsync(Context.ConnectionId);

    private string Owner => caller.OwnerOf(Context.User!);

    private static HubException UnknownUpload(string uploadId) => new($"No upload has the id '{uploadId}'.");
}
