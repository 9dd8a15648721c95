using System.Diagnostics;
using Orleans.Streams;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Progress;

/// <summary>How the relay mends a stream that stopped delivering: read the grain, send what was missed, subscribe again.</summary>
public sealed partial class ProgressRelay
{
    /// <summary>
    /// For every watched upload whose stream may have stopped delivering, and that is not being healed
    /// already, starts a heal: it reads the grain's status, relays it when the watchers have not seen
    /// it, and subscribes again when events were lost. Heals run on their own, each within
    /// <c>Uploads:RelayHealTimeout</c>: one that waits on a dying silo holds up neither the others nor the next round.
    /// </summary>
    public void StartHealing(CancellationToken cancellationToken)
    {
        var (uploadingSilence, idleSilence, giveUpAfter) = (options.Value.RelaySilence, options.Value.RelayIdleSilence, options.Value.RelayHealTimeout);
        var clusterChangedAt = Interlocked.Read(ref _clusterChangedAt);
        WatchedUpload[] suspects;
        lock (_watched)
        {
            suspects = [.. _watched.Values.Where(w => w.MayBeLost(uploadingSilence, idleSilence, clusterChangedAt) && w.TryStartHeal())];
        }

        foreach (var watched in suspects)
        {
            _ = HealWithinAsync(watched, clusterChangedAt, giveUpAfter, cancellationToken);
        }
    }

    private async Task HealWithinAsync(WatchedUpload watched, long clusterChangedAt, TimeSpan giveUpAfter, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(giveUpAfter);
        try
        {
            await HealAsync(watched, clusterChangedAt, deadline.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(exception, "Could not heal the relay of upload {UploadId}; trying again", watched.UploadId);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        finally
        {
            watched.EndHeal();
        }
    }

    private async Task HealAsync(WatchedUpload watched, long clusterChangedAt, CancellationToken deadline)
    {
        if (await cluster.GetGrain<IUploadGrain>(watched.UploadId).PeekAsync(deadline).WaitAsync(deadline) is not { } status)
        {
            return;
        }

        var missed = watched.Accept(status);
        if (missed)
        {
            await SendAsync(status);
        }

        if (!watched.NeedsSubscribing(missed, clusterChangedAt))
        {
            return;
        }

        // Subscribed outside the gate, which every watcher's Watch and Unwatch also take: after a cluster
        // change every watched upload renews its subscription, and none may wait for the others.
        logger.LogInformation("Resubscribing to upload {UploadId}: its stream lost events or outlived a change in the cluster", watched.UploadId);
        _resubscriptions.Add(1);
        var takenAt = Stopwatch.GetTimestamp();
        var fresh = await SubscribeWithinAsync(watched, deadline);
        var stale = fresh;
        try
        {
            await _gate.WaitAsync(deadline);
            try
            {
                if (_watched.GetValueOrDefault(watched.UploadId) == watched)
                {
                    stale = watched.Subscription;
                    watched.Renew(fresh, takenAt);
                }
            }
            finally
            {
                _gate.Release();
            }
        }
        finally
        {
            // Not awaited: a subscription lost with its silo may take long to drop, and delivers nothing meanwhile.
            _ = UnsubscribeQuietlyAsync(stale);
        }
    }

    /// <summary>
    /// Subscribes, giving up at <paramref name="deadline"/>: a subscription sent to a silo that just died
    /// may not be answered for a long while. If it succeeds after all, it is dropped.
    /// </summary>
    private async Task<StreamSubscriptionHandle<UploadStatus>> SubscribeWithinAsync(WatchedUpload watched, CancellationToken deadline)
    {
        var subscribing = SubscribeAsync(watched);
        try
        {
            return await subscribing.WaitAsync(deadline);
        }
        catch (OperationCanceledException)
        {
            _ = subscribing.ContinueWith(late => UnsubscribeQuietlyAsync(late.Result), TaskContinuationOptions.OnlyOnRanToCompletion);
            throw;
        }
    }
}
