using System.Net;
using Microsoft.AspNetCore.SignalR;
using OrleansUploads.Tests.Infrastructure;

namespace OrleansUploads.Tests.Integrity;

/// <summary>The hub and the diagnostics endpoint are held to the same request rate as the upload endpoints.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Hub_calls_and_diagnostics_past_the_rate_are_refused()
    {
        await using var service = await UploadService.StartAsync("--Limits:RequestsPerWindow=5", "--Limits:RateWindow=00:10:00");
        using var client = service.CreateClient();
        await using var watcher = await Watcher.ConnectAsync(service.BaseAddress);

        var hubAnswers = new List<string>();
        for (var call = 0; call < 6; call++)
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync("no-such-upload"));
            hubAnswers.Add(refused.Message);
        }

        var diagnostics = new List<HttpStatusCode>();
        for (var call = 0; call < 6; call++)
        {
            using var response = await client.GetAsync("/api/diagnostics");
            diagnostics.Add(response.StatusCode);
        }

        Assert.Contains("No upload", hubAnswers[0]);
        Assert.Contains("Too many requests", hubAnswers[^1]);
        Assert.Equal(HttpStatusCode.OK, diagnostics[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, diagnostics[^1]);
    }

    /// <summary>A refusal meant for the caller is no fault of the server: no error, no stack trace in its log.</summary>
    [Fact]
    public async Task A_watch_of_an_unknown_id_is_refused_without_an_error_in_the_log()
    {
        await using var service = await UploadService.StartAsync("--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information");
        await using var watcher = await Watcher.ConnectAsync(service.BaseAddress);
        using var client = service.CreateClient();

        var refused = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync("no-such-upload"));
        using (await client.GetAsync("/healthz?after-the-refusal"))
        {
        }

        // The log is written in order: once the request after the refusal is in it, anything the refusal logged is too.
        await Eventually.UntilAsync(() => Task.FromResult(service.Output), output => output.Contains("/healthz?after-the-refusal - 200"),
            TimeSpan.FromSeconds(20), "the request after the refusal in the log");

        Assert.Contains("No upload has the id 'no-such-upload'", refused.Message);
        Assert.DoesNotContain("fail: ", service.Output);
        Assert.DoesNotContain("Failed to invoke hub method", service.Output);
    }
}
