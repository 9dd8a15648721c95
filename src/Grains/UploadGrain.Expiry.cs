using Microsoft.Extensions.Logging;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// Expiry (tus <c>expiration</c>): an unfinished upload that sees no bytes for
/// <see cref="UploadGrainOptions.ExpireAfter"/> expires. A reminder wakes the grain even when nothing
/// else does; an activation also checks, in case a reminder was lost with an embedded silo.
/// </summary>
public sealed partial class UploadGrain : IRemindable
{
    private const string ExpiryReminder = "expiry";

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ExpiryReminder)
        {
            if (!Upload.Exists || Upload.State.IsTerminal())
            {
                await CancelExpiryAsync();
                return;
            }

            await ExpireIfOverdueAsync();
        }
    }

    private async Task ExpireIfOverdueAsync()
    {
        if (!Upload.Exists || Upload.State.IsTerminal() || Upload.ExpiresAt is not { } expiresAt || clock.GetUtcNow() < expiresAt)
        {
            return;
        }

        logger.LogInformation("Upload {UploadId} saw no bytes since {LastByte} and expired", UploadId, Upload.LastByteAt ?? Upload.CreatedAt);
        StopWriterNow(StopReason.Finished);
        await FinishAsync(UploadState.Expired, $"No bytes arrived for {_options.ExpireAfter}; the upload expired.");
    }

    // Checking a few times per expiry period keeps an expiry at most a quarter period late.
    private Task ScheduleExpiryAsync() =>
        this.RegisterOrUpdateReminder(ExpiryReminder, _options.ExpireAfter, _options.ExpireAfter / 4);

    private async Task CancelExpiryAsync()
    {
        if (await this.GetReminder(ExpiryReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }
}
