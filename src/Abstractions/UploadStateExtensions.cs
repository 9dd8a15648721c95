namespace OrleansUploads.Abstractions;

public static class UploadStateExtensions
{
    /// <summary>A finished upload accepts no more bytes and is not listed as active.</summary>
    public static bool IsTerminal(this UploadState state) => state == UploadState.Completed || state.IsGone();

    /// <summary>
    /// Ended without completing (cancelled, failed, expired), or deleted after completing: there is no file,
    /// and there will be none. Clients asking for it are answered 410 Gone, a final upload it is a part of
    /// fails, and the bytes it reserved in its owner's quota are given back.
    /// </summary>
    public static bool IsGone(this UploadState state) =>
        state is UploadState.Cancelled or UploadState.Failed or UploadState.Expired or UploadState.Deleted;

    /// <summary>Every byte is stored and the upload is being verified or processed: it takes no bytes, and it has not ended.</summary>
    public static bool IsAfterBytes(this UploadState state) => state is UploadState.Verifying or UploadState.Processing;
}
