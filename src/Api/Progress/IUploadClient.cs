using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Progress;

/// <summary>What the hub pushes to a client watching an upload; every event carries the full status.</summary>
public interface IUploadClient
{
    Task UploadProgress(UploadStatus status);
    Task UploadCompleted(UploadStatus status);
    Task UploadCancelled(UploadStatus status);

    /// <summary>The completed upload was deleted by its owner.</summary>
    Task UploadDeleted(UploadStatus status);

    /// <summary>The upload failed or expired; <see cref="UploadStatus.Error"/> says why.</summary>
    Task UploadFailed(UploadStatus status);
}
