namespace OrleansUploads.Client;

/// <summary>
/// One upload as the service reports it: the status JSON of <c>GET /api/uploads/{id}</c>, and the
/// payload of every hub event. Defined here from the JSON alone, so the client shares no code with the service.
/// </summary>
/// <param name="Sequence">Grows with every stored change: of two statuses, the one with the larger sequence is newer.</param>
/// <param name="Concat">tus concatenation: <c>partial</c> or <c>final</c>; null for an ordinary upload.</param>
public sealed record UploadStatus(
    string Id,
    string? FileName,
    string? ContentType,
    UploadState State,
    long BytesReceived,
    long? TotalBytes,
    double BytesPerSecond,
    double? EtaSeconds,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? LastByteAt,
    DateTimeOffset? CompletedAt,
    string? Sha256,
    string? Error,
    string Owner,
    string? Metadata,
    DateTimeOffset? ExpiresAt,
    long Sequence = 0,
    string? Stage = null,
    double? StageProgress = null,
    WebhookStatus? Webhook = null,
    string? Concat = null,
    string[]? Parts = null)
{
    /// <summary>Share of the declared size that is committed; null while the size is not known yet.</summary>
    public double? Percentage => TotalBytes switch
    {
        null => null,
        0 => 100,
        var total => Math.Round(100.0 * BytesReceived / total.Value, 2),
    };

    /// <summary>
    /// Whether this status is a later view of the upload than <paramref name="other"/>: a watcher that hears
    /// the same change twice (an event and a re-read after a reconnect) keeps one, and never goes backwards.
    /// </summary>
    public bool IsNewerThan(UploadStatus? other) =>
        other is null || Sequence > other.Sequence || (Sequence == other.Sequence && BytesReceived > other.BytesReceived);
}
