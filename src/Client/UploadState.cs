namespace OrleansUploads.Client;

/// <summary>Where an upload is in its life, as the service names it (camelCase in JSON).</summary>
public enum UploadState
{
    Created,
    Uploading,
    Paused,
    Completed,
    Cancelled,
    Failed,
    Expired,
    Deleted,
    Verifying,
    Processing,
}
