using Microsoft.AspNetCore.SignalR;
using Orleans.Streams;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Progress;

/// <summary>
/// Relays an upload's Orleans stream to the SignalR group of the connections here that watch it.
/// One stream subscription per watched upload, taken by the first watcher and dropped with the last,
/// so an API instance only listens to uploads someone here is looking at.
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
                var subscription = await Stream(uploadId).SubscribeAsync((status, _) => RelayAsync(status));
                lock (_watched)
                {
                    _watched[uploadId] = watched = new WatchedUpload(subscription);
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

            await watched.Subscription.UnsubscribeAsync();
        }
    }

    private Task RelayAsync(UploadStatus status)
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

    private sealed record WatchedUpload(StreamSubscriptionHandle<UploadStatus> Subscription)
    {
        public HashSet<string> Watchers { get; } = [];
    }
}
