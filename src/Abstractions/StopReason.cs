namespace OrleansUploads.Abstractions;

/// <summary>Why the grain told a writer to stop.</summary>
public enum StopReason
{
    /// <summary>A newer request for the same upload took the lease over.</summary>
    Superseded,

    /// <summary>The upload was cancelled.</summary>
    Cancelled,

    /// <summary>The upload reached a state that accepts no bytes (failed, expired).</summary>
    Finished,
}
