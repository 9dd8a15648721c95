using Microsoft.Extensions.Logging;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// Time-driven endings, on one reminder that wakes the grain even when nothing else does:
/// an unfinished upload that sees no bytes for <see cref="UploadGrainOptions.ExpireAfter"/> expires
/// (tus <c>expiration</c>; an activation also checks, in case a reminder was lost with an embedded
/// silo); a completed one is deleted after <see cref="UploadGrainOptions.KeepCompletedFor"/> when that
/// is set; an ended one's record is forgotten after <see cref="UploadGrainOptions.ForgetEndedAfter"/>,
/// so grain storage does not grow for ever. With <see cref="UploadGrainOptions.RemindOnlyWhenIdle"/>,
/// a timer ticks instead while the grain is in memory, and the reminder is registered as it leaves.
/// </summary>
public sealed partial class UploadGrain : IRemindable
{
    private const string ExpiryReminder = "expiry";

    /// <summary>
    /// Whether a reminder may be registered for this upload: false only while this activation knows
    /// there is none, so ending needs no lookup in the reminder service.
    /// </summary>
    private bool _reminderMayExist = true;
    private IGrainTimer? _endingTimer;
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(1);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == WebhookReminder)
        {
            await WebhookTickAsync();
            return;
        }

        if (reminderName == ExpiryReminder)
        {
            _reminderMayExist = true;
            await EndingTickAsync();
        }
    }

    private async Task EndingTickAsync()
    {
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

    /// <summary>The period of the ending this upload waits for now: its expiry, its retention, or none.</summary>
    private TimeSpan? EndingPeriod() =>
        !Upload.Exists ? null
        : !Upload.State.IsTerminal() ? _options.ExpireAfter
        : Upload.State == UploadState.Completed ? _options.KeepCompletedFor
        : _options.ForgetEndedAfter;

    /// <summary>
    /// Schedules the ending the upload waits for now, at creation and as it ends: a reminder, or with
    /// <see cref="UploadGrainOptions.RemindOnlyWhenIdle"/> a timer, and a reminder only when one may
    /// already be registered and must change.
    /// </summary>
    private Task ScheduleEndingAsync()
    {
        if (!_options.RemindOnlyWhenIdle)
        {
            return RemindAsync();
        }

        StartEndingTimer();
        return _reminderMayExist ? RemindAsync() : Task.CompletedTask;
    }

    /// <summary>
    /// With <see cref="UploadGrainOptions.RemindOnlyWhenIdle"/>, the reminder's ticks while the grain is
    /// in memory, where a caller that keeps it there (a client asking for the offset, never sending) would otherwise hold off its expiry.
    /// </summary>
    private void StartEndingTimer()
    {
        if (!_options.RemindOnlyWhenIdle)
        {
            return;
        }

        _endingTimer?.Dispose();
        _endingTimer = null;
        if (EndingPeriod() is { } period)
        {
            // A tick checks whether the ending is due, so an early one is harmless; timers take no waits past 49 days.
            var wait = period < MaxTimerWait ? period : MaxTimerWait;
            _endingTimer = this.RegisterGrainTimer(_ => EndingTickAsync(), new GrainTimerCreationOptions { DueTime = wait, Period = wait / 4 });
        }
    }

    /// <summary>With <see cref="UploadGrainOptions.RemindOnlyWhenIdle"/>, the reminder is registered as the grain leaves memory.</summary>
    private Task RemindAsGrainLeavesAsync() => _options.RemindOnlyWhenIdle ? RemindAsync() : Task.CompletedTask;

    /// <summary>Registers the reminder for the ending this upload waits for now, or removes it when it waits for none.</summary>
    private Task RemindAsync()
    {
        if (EndingPeriod() is not { } period)
        {
            return CancelExpiryAsync();
        }

        // Checking a few times per period keeps an ending at most a quarter period late.
        _reminderMayExist = true;
        return this.RegisterOrUpdateReminder(ExpiryReminder, period, period / 4);
    }

    private async Task CancelExpiryAsync()
    {
        _endingTimer?.Dispose();
        _endingTimer = null;
        if (_reminderMayExist && await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminderMayExist = false;
    }
}
