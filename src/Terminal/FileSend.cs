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
        if (upload.AlreadyUploaded is { } held)
        {
            // Completed before this run: the hub would only repeat the status just read.
            show(held);
            return held;
        }

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = WatchToEndAsync(client, upload.Id, show, watching.Token);
        UploadStatus end;
        try
        {
            await upload.SendAsync(cancellationToken);
            end = await watch;
        }
        catch (UploadsException)
        {
            await StopAsync(watching, watch);
            // Cancelled, failed or expired under the sender (the service then refuses its PATCH): that is
            // this file's outcome to report, not an error that hides the other files' outcomes.
            if (await EndedAsync(client, upload.Id, cancellationToken) is not { } ended)
            {
                throw;
            }

            show(end = ended);
        }
        catch
        {
            await StopAsync(watching, watch);
            throw;
        }

        // The service's word on its content, whatever the state: other content than the file is this file's failure, never a success.
        await upload.EnsureHoldsTheFileAsync(end, cancellationToken);
        await upload.RecordEndAsync(end, cancellationToken);
        return end;
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

    /// <returns>The upload's status when it has ended, or null when it has not or cannot be read.</returns>
    private static async Task<UploadStatus?> EndedAsync(UploadsClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            var status = await client.GetStatusAsync(id, cancellationToken);
            return status.State.IsTerminal() ? status : null;
        }
        catch (UploadsException)
        {
            return null;
        }
    }

    private static async Task StopAsync(CancellationTokenSource watching, Task watch)
    {
        await watching.CancelAsync();
        await Task.WhenAny(watch);
    }
}
