using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Hooks;

/// <summary>
/// Work on an upload's bytes once they are all stored and verified: one named stage each, run in the
/// order they were registered. Throwing fails the upload with the exception's message. The token is
/// cancelled when the upload is cancelled. A process that dies mid-stage has the processing run again
/// elsewhere, so a processor must be safe to run twice on the same upload.
/// </summary>
public interface IUploadProcessor
{
    /// <summary>The stage's name, shown while it runs and kept when it fails the upload.</summary>
    string Name { get; }

    /// <summary>
    /// Whether this upload needs the stage at all; a stage that does not apply is not shown. Asked of the
    /// upload as it is once every byte is stored (its size and SHA-256 known), also by the writer of the
    /// last byte, which completes an upload no stage applies to without verifying it.
    /// </summary>
    bool AppliesTo(UploadStatus upload);

    Task ProcessAsync(UploadProcessingContext context, CancellationToken cancellationToken);
}
