namespace OrleansUploads.Client;

/// <summary>Where an upload is in its life, as the service names it (camelCase in JSON).</summary>
/// <remarks>
/// A mirror of the service's JSON contract, not a copy to merge: the client library is a package of its
/// own that references none of the service's assemblies, so the service's
/// <c>OrleansUploads.Abstractions.UploadState</c> is repeated here by name, and the two meet only in JSON.
/// </remarks>
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
