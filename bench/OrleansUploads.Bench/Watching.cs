using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR.Client;

namespace OrleansUploads.Bench;

/// <summary>The status fields the benchmark reads from hub events.</summary>
public sealed record StatusEvent(string Id, string State, long BytesReceived);

/// <summary>A SignalR connection to the service's hub that timestamps every event it receives.</summary>
public sealed class HubWatcher : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _finished = new();
    private readonly ConcurrentQueue<(StatusEvent Status, long At)> _events = new();

    private HubWatcher(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    public IEnumerable<(StatusEvent Status, long At)> Events => _events;

    public static async Task<HubWatcher> ConnectAsync(Uri server)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(server, "/hubs/uploads"))
            .AddJsonProtocol(options => options.PayloadSerializerOptions = Json).Build();
        var watcher = new HubWatcher(connection);
        foreach (var name in new[] { "UploadProgress", "UploadCompleted", "UploadCancelled", "UploadDeleted", "UploadFailed" })
        {
            connection.On<StatusEvent>(name, status => watcher.Record(status));
        }

        await connection.StartAsync();
        return watcher;
    }

    public Task WatchAsync(string id) => Connection.InvokeAsync<StatusEvent>("Watch", id);

    /// <summary>Completes with the timestamp of the upload's terminal event.</summary>
    public Task<long> FinishedAsync(string id) => _finished.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private void Record(StatusEvent status)
    {
        var at = Stopwatch.GetTimestamp();
        _events.Enqueue((status, at));
        if (status.State is "completed" or "cancelled" or "failed")
        {
            _finished.GetOrAdd(status.Id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(at);
        }
    }
}
