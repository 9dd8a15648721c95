namespace OrleansUploads.Abstractions;

/// <summary>
/// Everything a client may know about one upload. The status query, the tus HEAD and every
/// progress event carry this same record, so all of them agree on the figures.
/// </summary>
/// <param name="Sequence">
/// Grows with every stored change of the upload, so a client that gets a status twice (an event and
/// a re-read after a reconnect) keeps the newer one and drops the duplicate.
/// </param>
/// <param name="Stage">
/// After the bytes: the processing stage running now, or the last one that ran (for a failed upload,
/// the one that failed it).
/// </param>
/// <param name="StageProgress">How far the running stage has got, from 0 to 1, when it says.</param>
/// <param name="Concat">tus concatenation: <c>partial</c> or <c>final</c>; null for an ordinary upload.</param>
/// <param name="Parts">For a final upload, its partial uploads in order; for a partial one, the final upload it belongs to (one id).</param>
/// <param name="Webhook">How the delivery of the outcome to the configured webhooks stands, when any are configured.</param>
[GenerateSerializer, Immutable]
public sealed record UploadStatus(
    [property: Id(0)] string Id,
    [property: Id(1)] string? FileName,
    [property: Id(2)] string? ContentType,
    [property: Id(3)] UploadState State,
    [property: Id(4)] long BytesReceived,
    [property: Id(5)] long? TotalBytes,
    [property: Id(6)] double BytesPerSecond,
    [property: Id(7)] double? EtaSeconds,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset? StartedAt,
    [property: Id(10)] DateTimeOffset? LastByteAt,
    [property: Id(11)] DateTimeOffset? CompletedAt,
    [property: Id(12)] string? Sha256,
    [property: Id(13)] string? Error,
    [property: Id(14)] string Owner,
    [property: Id(15)] string? Metadata,
    [property: Id(16)] DateTimeOffset? ExpiresAt,
    [property: Id(17)] long Sequence = 0,
    [property: Id(18)] string? Stage = null,
    [property: Id(19)] double? StageProgress = null,
    [property: Id(20)] WebhookStatus? Webhook = null,
    [property: Id(21)] string? Concat = null,
    [property: Id(22)] string[]? Parts = null)
{
    /// <summary>Share of the declared size that is committed; null while the size is not known yet.</summary>
    public double? Percentage => TotalBytes switch
    {
        null => null,
        0 => 100,
        var total => Math.Round(100.0 * BytesReceived / total.Value, 2),
    };
}
