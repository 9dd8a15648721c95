using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>A SignalR client of <c>/hubs/uploads</c> that records every event it receives.</summary>
public sealed class Watcher : IAsyncDisposable
{
    private readonly List<(string Event, UploadStatusView Status)> _events = [];
    private readonly List<(Func<string, UploadStatusView, bool> Match, TaskCompletionSource<UploadStatusView> Seen)> _waits = [];

    private Watcher(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    /// <summary>Runs as each event arrives, before it is recorded; for checks that must happen at that moment.</summary>
    public Action<string, UploadStatusView>? OnEvent { get; set; }

    public static async Task<Watcher> ConnectAsync(Uri server, HttpTransportType transport = HttpTransportType.WebSockets, string? accessToken = null)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/uploads"), transport, options => options.AccessTokenProvider = () => Task.FromResult(accessToken))
            .AddJsonProtocol(json => json.PayloadSerializerOptions = TusRequests.Json)
            .Build();
        var watcher = new Watcher(connection);
        foreach (var name in new[] { "UploadProgress", "UploadCompleted", "UploadCancelled", "UploadDeleted", "UploadFailed" })
        {
            connection.On<UploadStatusView>(name, status => watcher.Record(name, status));
        }

        await connection.StartAsync();
        return watcher;
    }

    public Task<UploadStatusView> WatchAsync(string uploadId) => Connection.InvokeAsync<UploadStatusView>("Watch", uploadId);

    public IReadOnlyList<(string Event, UploadStatusView Status)> Events(string uploadId)
    {
        lock (_events)
        {
            return _events.Where(e => e.Status.Id == uploadId).ToArray();
        }
    }

    /// <summary>Completes with the first event (already received or still to come) that matches.</summary>
    public Task<UploadStatusView> NextAsync(string eventName, string uploadId, TimeSpan timeout, Func<UploadStatusView, bool>? condition = null)
    {
        bool Match(string name, UploadStatusView status) => name == eventName && status.Id == uploadId && (condition?.Invoke(status) ?? true);
        lock (_events)
        {
            if (_events.FirstOrDefault(e => Match(e.Event, e.Status)) is { Status: { } seen })
            {
                return Task.FromResult(seen);
            }

            var waiting = new TaskCompletionSource<UploadStatusView>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((Match, waiting));
            return WithHistoryOnTimeoutAsync(waiting.Task, eventName, uploadId, timeout);
        }
    }

    /// <summary>A timeout names what did arrive for the upload, which tells where its events stopped.</summary>
    private async Task<UploadStatusView> WithHistoryOnTimeoutAsync(Task<UploadStatusView> waiting, string eventName, string uploadId, TimeSpan timeout)
    {
        try
        {
            return await waiting.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            var seen = Events(uploadId).Select(e => $"{e.Event} {e.Status.State} {e.Status.BytesReceived}");
            throw new TimeoutException($"No {eventName} for {uploadId} within {timeout}; received: {string.Join(", ", seen)}");
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private void Record(string name, UploadStatusView status)
    {
        OnEvent?.Invoke(name, status);
        lock (_events)
        {
            _events.Add((name, status));
            foreach (var wait in _waits.Where(w => w.Match(name, status)).ToArray())
            {
                wait.Seen.TrySetResult(status);
                _waits.Remove(wait);
            }
        }
    }
}
