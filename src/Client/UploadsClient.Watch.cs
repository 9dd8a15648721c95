using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansUploads.Client;

public sealed partial class UploadsClient
{
    /// <summary>The hub's server-to-client events; each carries the full status.</summary>
    private static readonly string[] HubEvents = ["UploadProgress", "UploadCompleted", "UploadCancelled", "UploadDeleted", "UploadFailed"];

    /// <summary>
    /// The upload's status as the service confirms it: the current one first, then one per change, ending
    /// with the terminal state. The connection reconnects by itself; after a reconnect the upload is
    /// watched again and its current status read, so a change made while away is never missed, and no
    /// status older than one already yielded is yielded again.
    /// </summary>
    public async IAsyncEnumerable<UploadStatus> WatchAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        id = IdOf(id);
        var statuses = Channel.CreateUnbounded<UploadStatus>();
        await using var connection = BuildHubConnection();
        foreach (var name in HubEvents)
        {
            connection.On<UploadStatus>(name, status =>
            {
                if (status.Id == id)
                {
                    statuses.Writer.TryWrite(status);
                }
            });
        }

        connection.Reconnected += async _ =>
        {
            try
            {
                statuses.Writer.TryWrite(await connection.InvokeAsync<UploadStatus>("Watch", id, cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException && (e is HubException || connection.State == HubConnectionState.Connected))
            {
                // Otherwise the connection dropped again before the answer: its next reconnect watches again.
                statuses.Writer.TryComplete(HubFailure(e));
            }
        };
        connection.Closed += error =>
        {
            statuses.Writer.TryComplete(error is null ? new UploadsException(UploadsError.Unreachable, "The hub connection closed.") : HubFailure(error));
            return Task.CompletedTask;
        };

        statuses.Writer.TryWrite(await StartWatchingAsync(connection, id, cancellationToken));
        UploadStatus? last = null;
        await foreach (var status in statuses.Reader.ReadAllAsync(cancellationToken))
        {
            if (!status.IsNewerThan(last))
            {
                continue;
            }

            last = status;
            yield return status;
            if (status.State.IsTerminal())
            {
                yield break;
            }
        }
    }

    private async Task<UploadStatus> StartWatchingAsync(HubConnection connection, string id, CancellationToken cancellationToken)
    {
        try
        {
            await connection.StartAsync(cancellationToken);
            return await connection.InvokeAsync<UploadStatus>("Watch", id, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or HubException)
        {
            throw HubFailure(e);
        }
    }

    /// <summary>What went wrong with the hub, in the terms of every other operation, whether at the start or after a reconnect.</summary>
    private Exception HubFailure(Exception e) => e switch
    {
        HttpRequestException { StatusCode: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden } refused =>
            new UploadsException(UploadsError.Unauthorized, "The hub refused the connection: " + refused.Message, refused.StatusCode, refused),
        HttpRequestException unreachable => UploadsException.Unreachable(Server, unreachable),
        // The hub says the same for an unknown id and another owner's upload.
        HubException hub => new UploadsException(UploadsError.NotFound, hub.Message, System.Net.HttpStatusCode.NotFound, hub),
        _ => UploadsException.Unreachable(Server, e),
    };

    private HubConnection BuildHubConnection() => new HubConnectionBuilder()
        .WithUrl(Address.Hub, hub =>
        {
            if (Options.AccessToken is { } token)
            {
                hub.AccessTokenProvider = async () => await token(CancellationToken.None);
            }

            if (Options.Handler is { } handler)
            {
                hub.HttpMessageHandlerFactory = _ => handler;
            }
        })
        .AddJsonProtocol(json => UploadJson.Configure(json.PayloadSerializerOptions))
        .WithAutomaticReconnect(new EndlessReconnect(Options.MaxRetryDelay))
        .Build();
}
