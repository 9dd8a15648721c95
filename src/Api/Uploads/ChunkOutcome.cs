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

    /// <summary>The body runs (or would run) past the declared size or the size limit; this request's bytes were discarded.</summary>
    TooLarge,

    /// <summary>A newer request took the lease over; what this one stored is kept.</summary>
    Superseded,
    Cancelled,

    /// <summary>The client went away mid-body; what arrived is kept.</summary>
    Disconnected,

    /// <summary>The body arrived slower than the minimum data rate and was cut; what arrived is kept.</summary>
    TooSlow,

    /// <summary>This instance is shutting down: the body was cut at the drain's deadline, or never started; what arrived is kept.</summary>
    Draining,

    /// <summary>Storage holds fewer bytes than were committed; the upload is failed.</summary>
    DataLost,

    /// <summary>Storage is full or read-only; what was committed is kept and the upload stays resumable.</summary>
    StorageFull,

    /// <summary>Storage could not be read or written for now; nothing was concluded or changed.</summary>
    StorageUnavailable,

    /// <summary>A final upload (tus concatenation): its bytes come from its partial uploads.</summary>
    NotWritable,

    /// <summary>The length declared with the request differs from the upload's, or is below what is stored; nothing changed.</summary>
    LengthMismatch,

    /// <summary>Every byte is stored and processing goes on past the wait; events tell how it ends.</summary>
    Processing,

    /// <summary>Every byte is stored, and verifying or a processor failed the upload (its error says why).</summary>
    Rejected,
}

/// <param name="Status">The upload after the attempt; null only when it does not exist.</param>
public sealed record ChunkOutcome(ChunkResult Result, UploadStatus? Status)
{
    /// <summary>Why the grain would not let the request write.</summary>
    internal static ChunkResult OfRefusal(WriteRefusal? refusal) => refusal switch
    {
        WriteRefusal.OffsetMismatch => ChunkResult.OffsetMismatch,
        WriteRefusal.Finished => ChunkResult.Finished,
        WriteRefusal.TooLarge => ChunkResult.TooLarge,
        WriteRefusal.LengthMismatch => ChunkResult.LengthMismatch,
        WriteRefusal.FinalUpload => ChunkResult.NotWritable,
        _ => ChunkResult.NotFound,
    };

    /// <summary>The answer for an upload whose bytes all arrived, as processing left it.</summary>
    internal static ChunkResult OfProcessing(UploadStatus end) => end.State switch
    {
        UploadState.Completed => ChunkResult.Completed,
        UploadState.Failed => ChunkResult.Rejected,
        UploadState.Cancelled => ChunkResult.Cancelled,
        UploadState.Verifying or UploadState.Processing => ChunkResult.Processing,
        _ => ChunkResult.Finished,
    };

    /// <summary>A body that did not end whole: who stopped it, as the grain and the writer saw it.</summary>
    internal static ChunkResult OfStop(BodyEnd end, StopReason? stopReason, UploadStatus released)
    {
        if (released.State == UploadState.Cancelled || stopReason == StopReason.Cancelled)
        {
            return ChunkResult.Cancelled;
        }

        if (stopReason is not null || end == BodyEnd.Stopped)
        {
            return released.State.IsTerminal() ? ChunkResult.Finished : ChunkResult.Superseded;
        }

        return end == BodyEnd.TooSlow ? ChunkResult.TooSlow : ChunkResult.Disconnected;
    }
}
