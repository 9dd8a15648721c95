using Microsoft.AspNetCore.SignalR;
using Orleans.Streams;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Progress;

/// <summary>
/// Relays an upload's Orleans stream to the SignalR group of the connections here that watch it.
/// One stream subscription per watched upload, taken by the first watcher and dropped with the last,
/// so an API instance only listens to uploads someone here is looking at. A stream that errs or goes
/// quiet while its upload should be moving is not trusted: <see cref="HealAsync"/> reads the grain's
/// status, sends what the watchers missed and subscribes again, so no watcher waits on a dead stream.
/// </summary>
public sealed class ProgressRelay(IClusterClient cluster, IHubContext<UploadHub, IUploadClient> hub, ILogger<ProgressRelay> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, WatchedUpload> _watched = [];
    private readonly Dictionary<string, HashSet<string>> _byConnection = [];

    /// <summary>How many uploads this instance holds a stream subscription for.</summary>
    public int Subscriptions
    {
        get
        {
            lock (_watched)
            {
                return _watched.Count;
            }
        }
    }

    public async Task WatchAsync(string connectionId, string uploadId)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_byConnection.TryGetValue(connectionId, out var uploads))
            {
                _byConnection[connectionId] = uploads = [];
            }

            if (!uploads.Add(uploadId))
            {
                return;
            }

            await hub.Groups.AddToGroupAsync(connectionId, Group(uploadId));
            if (!_watched.TryGetValue(uploadId, out var watched))
            {
                watched = new WatchedUpload(uploadId);
                watched.Subscription = await SubscribeAsync(watched);
                lock (_watched)
                {
                    _watched[uploadId] = watched;
                }
            }

            watched.Watchers.Add(connectionId);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task UnwatchAsync(string connectionId, string uploadId)
    {
        await _gate.WaitAsync();
        try
        {
            if (_byConnection.TryGetValue(connectionId, out var uploads) && uploads.Remove(uploadId))
            {
                await hub.Groups.RemoveFromGroupAsync(connectionId, Group(uploadId));
                await ForgetAsync(connectionId, uploadId);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task UnwatchAllAsync(string connectionId)
    {
        await _gate.WaitAsync();
        try
        {
            if (_byConnection.Remove(connectionId, out var uploads))
            {
                // SignalR drops a closed connection from its groups by itself.
                foreach (var uploadId in uploads)
                {
                    await ForgetAsync(connectionId, uploadId);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ForgetAsync(string connectionId, string uploadId)
    {
        if (_watched.TryGetValue(uploadId, out var watched) && watched.Watchers.Remove(connectionId) && watched.Watchers.Count == 0)
        {
            lock (_watched)
            {
                _watched.Remove(uploadId);
            }

            await UnsubscribeQuietlyAsync(watched.Subscription);
        }
    }

    /// <summary>
    /// For every watched upload whose stream may have stopped delivering: reads the grain's status,
    /// relays it when the watchers have not seen it, and subscribes again when events were lost.
    /// </summary>
    public async Task HealAsync(TimeSpan uploadingSilence, TimeSpan idleSilence, CancellationToken cancellationToken)
    {
        WatchedUpload[] suspects;
        lock (_watched)
        {
            suspects = [.. _watched.Values.Where(w => w.MayBeLost(uploadingSilence, idleSilence))];
        }

        foreach (var watched in suspects)
        {
            try
            {
                await HealAsync(watched, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogDebug(exception, "Could not heal the relay of upload {UploadId}; trying again", watched.UploadId);
            }
        }
    }

    private async Task HealAsync(WatchedUpload watched, CancellationToken cancellationToken)
    {
        if (await cluster.GetGrain<IUploadGrain>(watched.UploadId).PeekAsync(cancellationToken) is not { } status)
        {
            return;
        }

        var missed = watched.Accept(status);
        if (missed)
        {
            await SendAsync(status);
        }

        if (!missed && !watched.Broken)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_watched.GetValueOrDefault(watched.UploadId) == watched)
            {
                logger.LogInformation("Resubscribing to upload {UploadId}: its stream lost events", watched.UploadId);
                var stale = watched.Subscription;
                watched.Subscription = await SubscribeAsync(watched);
                watched.Broken = false;
                await UnsubscribeQuietlyAsync(stale);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task<StreamSubscriptionHandle<UploadStatus>> SubscribeAsync(WatchedUpload watched) =>
        Stream(watched.UploadId).SubscribeAsync(
            (status, _) => watched.Accept(status) ? SendAsync(status) : Task.CompletedTask,
            exception =>
            {
                logger.LogWarning(exception, "The stream of upload {UploadId} failed", watched.UploadId);
                watched.Broken = true;
                return Task.CompletedTask;
            });

    private static async Task UnsubscribeQuietlyAsync(StreamSubscriptionHandle<UploadStatus>? subscription)
    {
        try
        {
            if (subscription is not null)
            {
                await subscription.UnsubscribeAsync();
            }
        }
        catch (Exception)
        {
            // A subscription that broke with its silo may not be reachable to drop; it delivers nothing anyway.
        }
    }

    private Task SendAsync(UploadStatus status)
    {
        var group = hub.Clients.Group(Group(status.Id));
        logger.LogTrace("Relaying {State} of upload {UploadId} at {Bytes}", status.State, status.Id, status.BytesReceived);
        return status.State switch
        {
            UploadState.Completed => group.UploadCompleted(status),
            UploadState.Cancelled => group.UploadCancelled(status),
            UploadState.Deleted => group.UploadDeleted(status),
            UploadState.Failed or UploadState.Expired => group.UploadFailed(status),
            _ => group.UploadProgress(status),
        };
    }

    private IAsyncStream<UploadStatus> Stream(string uploadId) =>
        cluster.GetStreamProvider(UploadStreams.Provider).GetStream<UploadStatus>(StreamId.Create(UploadStreams.Namespace, uploadId));

    private static string Group(string uploadId) => "upload:" + uploadId;
}
