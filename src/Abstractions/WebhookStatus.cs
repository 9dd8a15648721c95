namespace OrleansUploads.Abstractions;

/// <summary>
/// The delivery of an upload's outcome to the configured webhooks: <c>pending</c> (retrying with
/// backoff), <c>delivered</c>, or <c>failed</c> (every attempt used); with how many attempts were made,
/// when the next is due and what went wrong last.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WebhookStatus(
    [property: Id(0)] string State,
    [property: Id(1)] int Attempts,
    [property: Id(2)] DateTimeOffset? NextAttemptAt,
    [property: Id(3)] string? LastError,
    [property: Id(4)] DateTimeOffset? DeliveredAt);
