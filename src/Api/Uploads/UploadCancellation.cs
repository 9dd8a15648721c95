using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Cancelling an upload (deleting it, once completed), for every door that offers it (tus DELETE, the
/// hub). The grain stops the writer wherever it runs and waits for it to let go, so the bytes can be
/// deleted safely after.
/// </summary>
public sealed class UploadCancellation(UploadLookup lookup, IUploadStore store, UploadCounters counters)
{
    /// <returns>The upload's status afterwards, or null when <paramref name="owner"/> has no upload with this id.</returns>
    public async Task<UploadStatus?> CancelAsync(string uploadId, string owner, CancellationToken cancellationToken)
    {
        if (lookup.GrainOf(uploadId) is not { } grain)
        {
            return null;
        }

        var status = await grain.CancelAsync(owner, cancellationToken);
        if (status?.State is UploadState.Cancelled or UploadState.Deleted)
        {
            counters.CountTerminated();
            await store.DeleteAsync(uploadId, cancellationToken);
        }

        return status;
    }
}
