using Microsoft.Extensions.Logging;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// Time-driven endings, on one reminder that wakes the grain even when nothing else does:
/// an unfinished upload that sees no bytes for <see cref="UploadGrainOptions.ExpireAfter"/> expires
/// (tus <c>expiration</c>; an activation also checks, in case a reminder was lost with an embedded
/// silo); a completed one is deleted after <see cref="UploadGrainOptions.KeepCompletedFor"/> when that
/// is set; an ended one's record is forgotten after <see cref="UploadGrainOptions.ForgetEndedAfter"/>,
/// so grain storage does not grow for ever.
/// </summary>
public sealed partial class UploadGrain : IRemindable
{
    private const string ExpiryReminder = "expiry";

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == WebhookReminder)
        {
            await WebhookTickAsync();
            return;
        }

        if (reminderName != ExpiryReminder)
        {
            return;
        }

        if (!Upload.Exists)
        {
            await CancelExpiryAsync();
        }
        else if (!Upload.State.IsTerminal())
        {
            await ExpireIfOverdueAsync();
        }
        else
        {
            await RetireIfDueAsync();
        }

        // Ticks interleave (the grain is reentrant): one that found the work already begun by another
        // returns only once that work is stored.
        await WhenStoredAsync();
    }

    private async Task ExpireIfOverdueAsync()
    {
        if (!Upload.Exists || Upload.State.IsTerminal() || Upload.ExpiresAt is not { } expiresAt || clock.GetUtcNow() < expiresAt)
        {
            return;
        }

        // Bytes that all arrived are never thrown away for arriving too long ago: they are completed.
        if (AllStored || Upload.State.IsAfterBytes())
        {
            await QueueAsync(UploadQueues.Completing);
            return;
        }

        logger.LogInformation("Upload {UploadId} saw no bytes since {LastByte} and expired", UploadId, Upload.LastByteAt ?? Upload.CreatedAt);
        StopWriterNow(StopReason.Finished);
        await FinishAsync(UploadState.Expired, $"No bytes arrived for {_options.ExpireAfter}; the upload expired.");
    }

    /// <summary>A completed upload past its retention is deleted; any other ended upload past its time is forgotten.</summary>
    private async Task RetireIfDueAsync()
    {
        var now = clock.GetUtcNow();
        if (Upload.State == UploadState.Completed)
        {
            if (_options.KeepCompletedFor is not { } keep)
            {
                await CancelExpiryAsync();
            }
            else if (now >= Upload.EndedAt + keep)
            {
                logger.LogInformation("Upload {UploadId} was kept for {Keep} and is deleted", UploadId, keep);
                await FinishAsync(UploadState.Deleted, $"Deleted after it was kept for {keep}.");
            }

            return;
        }

        if (now >= Upload.EndedAt + _options.ForgetEndedAfter)
        {
            await CancelExpiryAsync();
            await state.ClearStateAsync();
            _durable = Upload.Copy();
            DeactivateOnIdle();
        }
    }

    // Checking a few times per period keeps an ending at most a quarter period late.
    private Task ScheduleExpiryAsync() =>
        this.RegisterOrUpdateReminder(ExpiryReminder, _options.ExpireAfter, _options.ExpireAfter / 4);

    /// <summary>After an upload ended, its reminder serves its retention, or stops when there is none.</summary>
    private Task ScheduleRetirementAsync(UploadState final)
    {
        TimeSpan? wait = final == UploadState.Completed ? _options.KeepCompletedFor : _options.ForgetEndedAfter;
        return wait is { } period
            ? this.RegisterOrUpdateReminder(ExpiryReminder, period, period / 4)
            : CancelExpiryAsync();
    }

    private async Task CancelExpiryAsync()
    {
        if (await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
