using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Completes an upload whose bytes are all committed but whose writer is gone (its connection dropped
/// after the last byte was reported, or its process died). tus clients that see offset == length on
/// resume report success without another PATCH, so whoever looks at such an upload next completes it.
/// </summary>
public sealed class StoredCompletion(IUploadStore store)
{
    public async Task<UploadStatus> CompleteIfAllStoredAsync(IUploadGrain grain, UploadStatus status)
    {
        if (status.State.IsTerminal() || status.State == UploadState.Uploading || status.TotalBytes != status.BytesReceived)
        {
            return status;
        }

        // Storage that holds less than was committed is not completed: the next write finds the hole.
        if (await store.GetLengthAsync(status.Id, CancellationToken.None) != status.TotalBytes)
        {
            return status;
        }

        return await grain.CompleteStoredAsync(await store.Sha256Async(status.Id, CancellationToken.None));
    }
}
