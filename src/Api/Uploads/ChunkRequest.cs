using System.IO.Pipelines;
using OrleansUploads.Api.Tus;

namespace OrleansUploads.Api.Uploads;

/// <summary>One request body to store into an upload.</summary>
/// <param name="Owner">Who asks; another owner's upload is not found.</param>
/// <param name="Offset">Where the client says the body starts; must equal the committed offset.</param>
/// <param name="CompleteAtEnd">The body is the whole rest of the file even though no size was declared (multipart).</param>
/// <param name="Limit">The most bytes the upload may reach when it has no declared size.</param>
public sealed record ChunkRequest(
    string UploadId,
    string Owner,
    long Offset,
    UploadChecksum? Checksum,
    PipeReader Body,
    bool CompleteAtEnd = false,
    long Limit = long.MaxValue);
