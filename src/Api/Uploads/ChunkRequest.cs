using System.IO.Pipelines;

namespace OrleansUploads.Api.Uploads;

/// <summary>One request body to store into an upload.</summary>
/// <param name="UploadId">As the client sent it; the receiver checks it names an upload.</param>
/// <param name="Owner">Who asks; another owner's upload is not found.</param>
/// <param name="Offset">Where the client says the body starts; must equal the committed offset.</param>
/// <param name="BodyLength">The body's declared length (Content-Length), when the client sent one.</param>
/// <param name="CompleteAtEnd">The body is the whole rest of the file even though no size was declared (multipart).</param>
/// <param name="Limit">The most bytes the upload may reach when it has no declared size.</param>
/// <param name="DeclaredLength">The upload's size, declared with this request because it was deferred at creation.</param>
/// <param name="OnCommitted">Told each offset the grain stores while this body arrives (from any thread).</param>
/// <param name="WakeOnPause">
/// Reads may be woken (<see cref="PipeReader.CancelPendingRead"/>) to commit stored bytes while the client
/// pauses. Not for a reader over a stream (a multipart section): waking it cancels the request body's
/// read underneath, which leaves the body unreadable.
/// </param>
public sealed record ChunkRequest(
    string UploadId,
    string Owner,
    long Offset,
    ChunkChecksum? Checksum,
    PipeReader Body,
    long? BodyLength = null,
    bool CompleteAtEnd = false,
    long Limit = long.MaxValue,
    bool WakeOnPause = true,
    long? DeclaredLength = null,
    Action<long>? OnCommitted = null);
