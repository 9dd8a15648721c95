using OrleansUploads.Client;

namespace OrleansUploads.Terminal;

/// <summary>
/// Sends one file while watching it on the hub: what is shown comes from the service's events, and the
/// file's outcome is the terminal status the service announces (a last byte may still be processed).
/// </summary>
public static class FileSend
{
    public static async Task<UploadStatus> RunAsync(UploadsClient client, TusUpload upload, Action<UploadStatus> show, CancellationToken cancellationToken)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = WatchToEndAsync(client, upload.Id, show, watching.Token);
        try
        {
            await upload.SendAsync(cancellationToken);
        }
        catch
        {
            await watching.CancelAsync();
            await Task.WhenAny(watch);
            throw;
        }

        return await watch;
    }

    private static async Task<UploadStatus> WatchToEndAsync(UploadsClient client, string id, Action<UploadStatus> show, CancellationToken cancellationToken)
    {
        UploadStatus? last = null;
        await foreach (var status in client.WatchAsync(id, cancellationToken))
        {
            show(status);
            last = status;
        }

        return last ?? throw new OperationCanceledException(cancellationToken);
    }
}
