namespace OrleansUploads.Abstractions;

/// <summary>Where an upload is in its life. Terminal states never change again.</summary>
/// <remarks>Its names are part of the JSON contract, which the client library mirrors in its own <c>OrleansUploads.Client.UploadState</c>.</remarks>
public enum UploadState
{
    /// <summary>Declared, no writer has attached yet.</summary>
    Created,

    /// <summary>A writer holds the lease and bytes are arriving.</summary>
    Uploading,

    /// <summary>Incomplete and no writer attached: resumable from the committed offset.</summary>
    Paused,

    Completed,
    Cancelled,

    /// <summary>Stored bytes were lost or could not be finished; nothing more is accepted.</summary>
    Failed,

    Expired,

    /// <summary>Completed, then deleted by its owner: the bytes are gone, the record of them stays.</summary>
    Deleted,

    /// <summary>Every byte is stored; its size and SHA-256 are being checked.</summary>
    Verifying,

    /// <summary>Verified; the configured processors run, one stage at a time (<see cref="UploadStatus.Stage"/>).</summary>
    Processing,
}
