namespace OrleansUploads.Abstractions;

/// <summary>Why the grain refuses to let a request write.</summary>
public enum WriteRefusal
{
    NotFound,

    /// <summary>The request's offset is not the committed offset.</summary>
    OffsetMismatch,

    /// <summary>The upload is cancelled, completed, failed or expired.</summary>
    Finished,

    /// <summary>The body would run past the upload's declared size.</summary>
    TooLarge,

    /// <summary>Its bytes are all stored and someone else is processing it.</summary>
    Processing,

    /// <summary>A final upload (tus concatenation) takes no bytes itself: its partial uploads do.</summary>
    FinalUpload,

    /// <summary>A length declared later (deferred) differs from the one already declared, or is below the stored offset.</summary>
    LengthMismatch,
}
