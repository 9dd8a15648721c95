using Microsoft.Extensions.Logging;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// tus concatenation. A partial upload is an ordinary one that, once a final upload claims it, tells
/// that final upload of every change it stores. A final upload takes no bytes itself: its offset is
/// the sum of its parts' committed bytes, its length their sum once all are known, and when every part
/// is complete it moves on to verifying, where the API copies the parts into it. A part that ends
/// otherwise fails it; cancelling it cancels the parts.
/// </summary>
public sealed partial class UploadGrain
{
    public async Task<UploadStatus?> JoinFinalAsync(string finalId, string owner, CancellationToken cancellationToken = default)
    {
        if (!VisibleTo(owner) || !Upload.Partial || Upload.Final is { } other && other != finalId)
        {
            return null;
        }

        if (Upload.Final is null)
        {
            Upload.Final = finalId;
            await PersistAndPublishAsync();
        }

        return Snapshot();
    }

    public async Task PartChangedAsync(UploadStatus part, CancellationToken cancellationToken = default)
    {
        var index = Array.IndexOf(Upload.Parts ?? [], part.Id);
        if (index < 0 || Upload.State.IsTerminal() || Upload.State.IsAfterBytes() || Upload.PartProgress is not { } parts || parts[index].State.IsTerminal())
        {
            return;
        }

        if (part.State.IsGone())
        {
            await FinishAsync(UploadState.Failed, $"Part {index + 1} of {parts.Length} ({part.Id}) is {part.State.ToString().ToLowerInvariant()}{(part.Error is { } why ? $": {why}" : ".")}");
            return;
        }

        var changed = (PartProgress[])parts.Clone();
        changed[index] = new PartProgress(part.BytesReceived, part.TotalBytes, part.State);
        Upload.PartProgress = changed;
        Upload.TotalBytes = changed.All(p => p.Total is not null) ? changed.Sum(p => p.Total!.Value) : null;
        var now = clock.GetUtcNow();
        var sum = changed.Sum(p => p.Bytes);
        if (sum > _storedOffset)
        {
            _rate.Record(sum - _storedOffset, now);
            Upload.StartedAt ??= now;
            Upload.LastByteAt = now;
            Upload.ExpiresAt = now + _options.ExpireAfter;
        }

        _storedOffset = sum;
        if (changed.All(p => p.State == UploadState.Completed))
        {
            Upload.BytesReceived = sum;
            await BeginVerifyingAsync();
            return;
        }

        Upload.State = changed.Any(p => p.State == UploadState.Uploading) ? UploadState.Uploading : sum > 0 ? UploadState.Paused : UploadState.Created;
        Upload.BytesReceived = sum;
        await PersistAndPublishAsync();
    }

    public async Task<WriteVerdict> RecordAssembledAsync(Guid claimId, string sha256, CancellationToken cancellationToken = default)
    {
        if (_lease?.Id != claimId || !Upload.State.IsAfterBytes())
        {
            return WriteVerdict.Stop;
        }

        Upload.Sha256 = sha256;
        await PersistAndPublishAsync();
        return WriteVerdict.Continue;
    }

    /// <summary>A new final upload claims its parts, and hears where each stands now.</summary>
    private async Task JoinPartsAsync()
    {
        foreach (var partId in Upload.Parts ?? [])
        {
            var part = await GrainFactory.GetGrain<IUploadGrain>(partId).JoinFinalAsync(UploadId, Upload.Owner);
            if (part is null)
            {
                await FinishAsync(UploadState.Failed, $"Upload {partId} is not a partial upload of this owner's, or belongs to another final upload.");
                return;
            }

            await PartChangedAsync(part);
        }
    }

    /// <summary>A partial upload tells its final upload of every change it stored; a final one that cannot hear now hears of the next.</summary>
    private async Task TellFinalAsync(UploadStatus status)
    {
        if (Upload.Final is not { } finalId)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IUploadGrain>(finalId).PartChangedAsync(status);
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Could not tell final upload {FinalId} about its part {UploadId}", finalId, UploadId);
        }
    }

    /// <summary>Cancelling a final upload cancels its parts, whose bytes are deleted with them.</summary>
    private async Task CancelPartsAsync()
    {
        foreach (var partId in Upload.Parts ?? [])
        {
            await GrainFactory.GetGrain<IUploadGrain>(partId).CancelAsync(Upload.Owner);
        }
    }
}
