namespace OrleansUploads.Client;

public static class UploadStateExtensions
{
    /// <summary>
    /// A state that never changes again. A completed upload may still be deleted later, but nothing a
    /// sender or a watcher waits for comes after <see cref="UploadState.Completed"/>.
    /// </summary>
    public static bool IsTerminal(this UploadState state) =>
        state is UploadState.Completed or UploadState.Cancelled or UploadState.Failed or UploadState.Expired or UploadState.Deleted;
}
