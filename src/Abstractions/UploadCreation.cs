namespace OrleansUploads.Abstractions;

/// <summary>What a client declares when it creates an upload.</summary>
/// <param name="TotalBytes">The declared size; null when the client streams without one (multipart).</param>
/// <param name="Metadata">The tus <c>Upload-Metadata</c> header exactly as sent, echoed back on HEAD.</param>
/// <param name="Quota">
/// Whom the limit on unfinished uploads counts this one against: the owner, or without authentication
/// (where everyone is one owner) the client's address. Null means the owner.
/// </param>
/// <param name="HoldsBytes">Its declared size was reserved against the byte quota (<see cref="IStorageQuotaGrain"/>) of <paramref name="Quota"/>.</param>
/// <param name="Partial">A tus partial upload, to become part of a final upload (concatenation).</param>
/// <param name="Parts">For a tus final upload: the ids of its partial uploads, in order; it takes no bytes itself.</param>
/// <remarks>Positional and numbered like every record that crosses grain calls; the likeness to its siblings is the Orleans serializer's form.</remarks>
[GenerateSerializer, Immutable]
public sealed record UploadCreation(
    [property: Id(0)] long? TotalBytes,
    [property: Id(1)] string? FileName,
    [property: Id(2)] string? ContentType,
    [property: Id(3)] string? Metadata,
    [property: Id(4)] string Owner,
    [property: Id(5)] string? Quota = null,
    [property: Id(6)] bool HoldsBytes = false,
    [property: Id(7)] bool Partial = false,
    [property: Id(8)] string[]? Parts = null);
