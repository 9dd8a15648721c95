using System.Collections.Concurrent;

namespace OrleansUploads.Tests.Client;

/// <summary>
/// Sits under the client's HTTP stack: records each request, and can fail chosen ones the way a network
/// or a struggling server does, before they leave (so the service never sees them).
/// </summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private int _patches;

    public ConcurrentQueue<HttpRequestMessage> Requests { get; } = new();

    /// <summary>Given the request and how many PATCHes came before it, a fault to answer with instead of sending it; null sends it.</summary>
    public Func<HttpRequestMessage, int, HttpResponseMessage?>? Fault { get; init; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        var patchesBefore = request.Method == HttpMethod.Patch ? Interlocked.Increment(ref _patches) - 1 : -1;
        if (Fault?.Invoke(request, patchesBefore) is { } fault)
        {
            fault.RequestMessage = request;
            return fault;
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
