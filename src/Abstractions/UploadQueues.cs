namespace OrleansUploads.Abstractions;

/// <summary>The keys of the <see cref="IUploadQueueGrain"/>s.</summary>
public static class UploadQueues
{
    /// <summary>Uploads that ended without completing (expired, cancelled, failed) whose bytes may still need deleting.</summary>
    public const string Discarded = "discarded";

    /// <summary>Uploads whose bytes are all committed but which no request completed (its process died): the API reads back their digest and completes them.</summary>
    public const string Completing = "completing";

    /// <summary>Uploads whose outcome is still to be delivered to webhooks: woken by the API after a restart lost their reminders.</summary>
    public const string Notifying = "notifying";
}
