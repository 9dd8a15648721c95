namespace OrleansUploads.Grains;

/// <summary>Where the outcome of each upload is posted, bound from the <c>Uploads:Webhooks</c> section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Uploads:Webhooks";

    /// <summary>Every URL gets the outcome (completed or failed) of every upload; none configured, none sent.</summary>
    public List<Uri> Urls { get; set; } = [];

    /// <summary>The key of the HMAC-SHA256 in the <c>Upload-Signature</c> header, so receivers can tell the posts are ours.</summary>
    public string? Secret { get; set; }

    /// <summary>Attempts per upload before its delivery is given up (and shown as failed).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The wait after the first failed attempt; it doubles after each, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one post may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The period of the reminder that wakes an upload whose delivery is pending after a restart.</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan RetryDelayAfter(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks * (1L << Math.Min(attempts - 1, 30))));
}
