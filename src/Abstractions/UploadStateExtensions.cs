namespace OrleansUploads.Abstractions;

public static class UploadStateExtensions
{
    /// <summary>A finished upload accepts no more bytes and is not listed as active.</summary>
    public static bool IsTerminal(this UploadState state) =>
        state is UploadState.Completed or UploadState.Cancelled or UploadState.Failed or UploadState.Expired or UploadState.Deleted;

    /// <summary>Every byte is stored and the upload is being verified or processed: it takes no bytes, and it has not ended.</summary>
    public static bool IsAfterBytes(this UploadState state) => state is UploadState.Verifying or UploadState.Processing;
}
