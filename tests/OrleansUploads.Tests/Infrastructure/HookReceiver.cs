using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// An HTTP endpoint on 127.0.0.1 that the service calls (a creation hook, a webhook): it answers as the
/// test says and records each request's JSON body and headers.
/// </summary>
public sealed class HookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(JsonElement Body, IReadOnlyDictionary<string, string> Headers, string Raw)> _received = new();

    private HookReceiver(WebApplication app, Uri url) => (_app, Url) = (app, url);

    public Uri Url { get; }

    /// <summary>The status and JSON body of the answer to each request, given its body and how many came before it.</summary>
    public Func<JsonElement, int, (int Status, object? Body)> Answer { get; set; } = (_, _) => (200, new { accept = true });

    public IReadOnlyList<(JsonElement Body, IReadOnlyDictionary<string, string> Headers, string Raw)> Received => [.. _received];

    public static async Task<HookReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var receiver = new HookReceiver(app, new Uri($"http://127.0.0.1:{port}/hook"));
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var raw = await reader.ReadToEndAsync();
            var body = JsonDocument.Parse(raw).RootElement.Clone();
            var count = receiver._received.Count;
            receiver._received.Enqueue((body, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), raw));
            var (status, answer) = receiver.Answer(body, count);
            return answer is null ? Results.StatusCode(status) : Results.Json(answer, statusCode: status);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
