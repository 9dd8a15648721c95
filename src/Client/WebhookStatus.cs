namespace OrleansUploads.Client;

/// <summary>How the delivery of an upload's outcome to the service's webhooks stands: <c>pending</c>, <c>delivered</c> or <c>failed</c>.</summary>
public sealed record WebhookStatus(string State, int Attempts, DateTimeOffset? NextAttemptAt, string? LastError, DateTimeOffset? DeliveredAt);
