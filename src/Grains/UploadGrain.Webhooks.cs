using Microsoft.Extensions.Logging;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// After an upload ends (completed, or failed), its outcome is posted to every configured webhook,
/// retried with backoff until each took it or the attempts are used up. What is still to deliver is
/// stored with the ending, in the same write; a reminder wakes the grain to go on after a restart,
/// and so does the API, through the <see cref="UploadQueues.Notifying"/> queue, where reminders do not
/// outlive the process (the embedded silo).
/// </summary>
public sealed partial class UploadGrain
{
    private const string WebhookReminder = "webhook";
    private const string Pending = "pending";
    private IGrainTimer? _webhookTimer;
    private bool _delivering;

    private WebhookOptions WebhookRules => webhookOptions.Value;

    /// <summary>Part of the ending itself: the outcome is to be delivered.</summary>
    private void PlanWebhooks(UploadState final)
    {
        if (final is UploadState.Completed or UploadState.Failed && webhooks.Urls.Count > 0 && Upload.Webhook is null)
        {
            Upload.WebhookPending = [.. webhooks.Urls.Select(url => url.ToString())];
            Upload.Webhook = new WebhookStatus(Pending, 0, clock.GetUtcNow(), null, null);
        }
    }

    /// <summary>Once the ending is stored, and on every activation: keep delivering what is pending.</summary>
    private async Task ResumeWebhooksAsync()
    {
        if (Upload.Webhook is not { State: Pending } pending)
        {
            return;
        }

        await this.RegisterOrUpdateReminder(WebhookReminder, WebhookRules.ReminderPeriod, WebhookRules.ReminderPeriod);
        await QueueAsync(UploadQueues.Notifying);
        ScheduleWebhookAttempt(pending.NextAttemptAt);
    }

    private async Task WebhookTickAsync()
    {
        if (Upload.Webhook is { State: Pending } pending)
        {
            ScheduleWebhookAttempt(pending.NextAttemptAt);
        }
        else if (await this.GetReminder(WebhookReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private void ScheduleWebhookAttempt(DateTimeOffset? at)
    {
        var now = clock.GetUtcNow();
        _webhookTimer?.Dispose();
        _webhookTimer = this.RegisterGrainTimer(
            _ => DeliverWebhooksAsync(), new GrainTimerCreationOptions { DueTime = at > now ? at.Value - now : TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan });
    }

    /// <summary>One attempt at every URL still pending; then the next attempt is planned, or the delivery is over.</summary>
    private async Task DeliverWebhooksAsync()
    {
        if (_delivering || Upload.Webhook is not { State: Pending } pending || Upload.WebhookPending is not { } urls)
        {
            return;
        }

        _delivering = true;
        try
        {
            var attempt = pending.Attempts + 1;
            var outcome = Snapshot();
            var refused = new List<string>();
            string? error = null;
            foreach (var url in urls)
            {
                try
                {
                    await webhooks.SendAsync(new Uri(url), outcome, attempt, CancellationToken.None);
                }
                catch (Exception exception)
                {
                    refused.Add(url);
                    error = exception.Message;
                }
            }

            var now = clock.GetUtcNow();
            Upload.WebhookPending = [.. refused];
            Upload.Webhook = refused.Count == 0 ? new WebhookStatus("delivered", attempt, null, null, now)
                : attempt >= WebhookRules.MaxAttempts ? new WebhookStatus("failed", attempt, null, error, null)
                : new WebhookStatus(Pending, attempt, now + WebhookRules.RetryDelayAfter(attempt), error, null);
            if (refused.Count > 0)
            {
                logger.LogWarning("Webhook delivery {Attempt} for upload {UploadId} failed: {Error}", attempt, UploadId, error);
            }

            await PersistAndPublishAsync();
            if (Upload.Webhook.State == Pending)
            {
                ScheduleWebhookAttempt(Upload.Webhook.NextAttemptAt);
                return;
            }

            await WebhookTickAsync();
            await GrainFactory.GetGrain<IUploadQueueGrain>(UploadQueues.Notifying).RemoveAsync([UploadId]);
        }
        finally
        {
            _delivering = false;
        }
    }
}
