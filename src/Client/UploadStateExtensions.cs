namespace OrleansUploads.Client;

/// <remarks>
/// The client's side of one terminal-state rule per language: it mirrors the service's JSON contract,
/// whose rule lives in <c>OrleansUploads.Abstractions.UploadStateExtensions.IsTerminal</c> (src/Abstractions).
/// The client library is a separate package that must not reference the service's assemblies, so the
/// rule is repeated here rather than shared.
/// </remarks>
public static class UploadStateExtensions
{
    /// <summary>
    /// A state that never changes again. A completed upload may still be deleted later, but nothing a
    /// sender or a watcher waits for comes after <see cref="UploadState.Completed"/>.
    /// </summary>
    public static bool IsTerminal(this UploadState state) =>
        state is UploadState.Completed or UploadState.Cancelled or UploadState.Failed or UploadState.Expired or UploadState.Deleted;
}
