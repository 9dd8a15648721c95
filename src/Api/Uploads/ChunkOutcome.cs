using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Uploads;

/// <summary>How one request's attempt to store bytes ended.</summary>
public enum ChunkResult
{
    /// <summary>Stored and committed; the upload is not complete yet.</summary>
    Stored,
    Completed,
    NotFound,

    /// <summary>The upload accepts no bytes: completed, cancelled, failed or expired.</summary>
    Finished,
    OffsetMismatch,
    ChecksumMismatch,

    /// <summary>The body runs past the declared size or the size limit; this request's bytes were discarded.</summary>
    TooLarge,

    /// <summary>A newer request took the lease over; what this one stored is kept.</summary>
    Superseded,
    Cancelled,

    /// <summary>The client went away mid-body; what arrived is kept.</summary>
    Disconnected,

    /// <summary>The body arrived slower than the minimum data rate and was cut; what arrived is kept.</summary>
    TooSlow,

    /// <summary>Storage holds fewer bytes than were committed; the upload is failed.</summary>
    DataLost,
}

/// <param name="Status">The upload after the attempt; null only when it does not exist.</param>
public sealed record ChunkOutcome(ChunkResult Result, UploadStatus? Status);
