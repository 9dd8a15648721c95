using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Progress;

/// <summary>
/// Relays an upload's Orleans stream to the SignalR group of the connections here that watch it.
/// One stream subscription per watched upload, taken by the first watcher and dropped with the last,
/// so an API instance only listens to uploads someone here is looking at. A stream that errs or goes
/// quiet while its upload should be moving is not trusted: <see cref="StartHealing"/> reads the grain's
/// status, sends what the watchers missed and subscribes again, so no watcher waits on a dead stream.
/// After the cluster changes (<see cref="OnClusterChanged"/>), every watched upload is on probation
/// for a while: it is healed after the short silence whatever its state, and its subscription is taken anew.
/// </summary>
public sealed partial class ProgressRelay(
    IClusterClient cluster, IHubContext<UploadHub, IUploadClient> hub, IOptions<UploadApiOptions> options, IMeterFactory meters, ILogger<ProgressRelay> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, WatchedUpload> _watched = [];
    private readonly Dictionary<string, HashSet<string>> _byConnection = [];
    private long _clusterChangedAt;

    /// <summary>How many uploads this instance holds a stream subscription for.</summary>
    /// <summary>Streams subscribed again after they lost events or outlived a change in the cluster (a silo died or joined).</summary>
    private readonly Counter<long> _resubscriptions = meters.Create(UploadCounters.MeterName)
        .CreateCounter<long>("uploads.relay.resubscriptions", description: "Upload streams subscribed again after events were lost or the cluster changed.");

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

    /// <summary>A silo joined or left, as this instance sees it: its stream subscriptions may have been lost.</summary>
    public void OnClusterChanged() => Interlocked.Exchange(ref _clusterChangedAt, Stopwatch.GetTimestamp());

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
                try
                {
                    using var deadline = new CancellationTokenSource(options.Value.RelayHealTimeout);
                    var takenAt = Stopwatch.GetTimestamp();
                    watched.Renew(await SubscribeWithinAsync(watched, deadline.Token), takenAt);
                }
                catch (Exception exception)
                {
                    // The cluster is moving: the watcher gets the status now, and the relay subscribes when it can.
                    logger.LogDebug(exception, "Could not subscribe to upload {UploadId} yet", uploadId);
                    watched.Broken = true;
                }

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
                Forget(connectionId, uploadId);
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
                    Forget(connectionId, uploadId);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Forget(string connectionId, string uploadId)
    {
        if (_watched.TryGetValue(uploadId, out var watched) && watched.Watchers.Remove(connectionId) && watched.Watchers.Count == 0)
        {
            lock (_watched)
            {
                _watched.Remove(uploadId);
            }

            // Not awaited under the gate: dropping a subscription whose silo is gone may take long.
            _ = UnsubscribeQuietlyAsync(watched.Subscription);
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
