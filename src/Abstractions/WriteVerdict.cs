namespace OrleansUploads.Abstractions;

/// <summary>The grain's answer to a writer's progress report.</summary>
public enum WriteVerdict
{
    Continue,

    /// <summary>The lease was taken over or the upload finished: stop and release.</summary>
    Stop,
}
