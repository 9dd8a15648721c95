using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>
/// Completes an upload whose bytes are all committed but whose writer is gone (its connection dropped
/// after the last byte was reported, or its process died). tus clients that see offset == length on
/// resume report success without another PATCH, so whoever looks at such an upload next completes it.
/// </summary>
public sealed class StoredCompletion(IUploadStore store, UploadProcessing processing, IOptions<UploadApiOptions> options)
{
    /// <remarks>
    /// Whether a writer still holds the lease (and will complete it itself) is the grain's call. One found
    /// here is processed, and waited for as a last PATCH waits, so the caller sees it completed. An upload
    /// already past its bytes whose processing nobody holds is processed, without waiting for the end: it
    /// is usually being processed by another request, and a status read must not wait for that.
    /// </remarks>
    public async Task<UploadStatus> CompleteIfAllStoredAsync(IUploadGrain grain, UploadStatus status)
    {
        if (status.State.IsAfterBytes())
        {
            return await processing.RunAsync(grain, status, TimeSpan.Zero);
        }

        // A final upload's bytes are its parts': they reach its own storage only when it is processed.
        if (status.State.IsTerminal() || status.TotalBytes != status.BytesReceived || status.Concat == "final")
        {
            return status;
        }

        // Storage that certainly holds less than was committed can never be completed: no client will
        // send those bytes again, since it was told they are stored.
        if (await store.GetLengthAsync(status.Id, CancellationToken.None) is not { } stored || stored < status.BytesReceived)
        {
            return await grain.FailAsync($"Stored data was lost: {status.BytesReceived} bytes were committed but storage holds fewer.");
        }

        await store.SealAsync(status.Id, status.BytesReceived, CancellationToken.None);
        var verifying = await grain.CompleteStoredAsync(await store.Sha256Async(status.Id, CancellationToken.None));
        return await processing.RunAsync(grain, verifying, options.Value.ProcessingWait);
    }
}
