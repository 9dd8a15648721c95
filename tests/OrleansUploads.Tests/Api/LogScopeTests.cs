using System.Text.Json;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <summary>Structured logs name the upload they are about, in their scope.</summary>
public sealed class LogScopeTests
{
    [Fact]
    public async Task What_is_logged_while_a_body_is_stored_carries_the_upload_id_in_its_scope()
    {
        await using var service = await UploadService.StartAsync(
            "--Logging:Console:FormatterName=json", "--Logging:Console:FormatterOptions:IncludeScopes=true", "--Logging:LogLevel:OrleansUploads=Debug");
        using var client = service.CreateClient();
        var location = await client.CreateAsync(100_000);
        await using (var patch = await StalledPatch.StartAsync(service.BaseAddress, location, 0, 100_000, RandomBytes(1000)))
        {
            await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.BytesReceived == 1000, TimeSpan.FromSeconds(20), "the first bytes");
        }

        // The body ended early, which is logged (at Debug) by the request that stored it.
        var line = await Eventually.UntilAsync(() => Task.FromResult(EndedEarly(service.Output)), found => found is not null, TimeSpan.FromSeconds(20), "the log of the early end");
        var scopes = line!.Value.GetProperty("Scopes").EnumerateArray();
        Assert.Contains(scopes, scope => scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("UploadId", out var id) && id.GetString() == IdOf(location));
    }

    /// <summary>The JSON log entry of the early end; the test's log puts a time before each line.</summary>
    private static JsonElement? EndedEarly(string output) => output.Split('\n')
        .Select(line => line.IndexOf('{') is var start and >= 0 ? line[start..] : "")
        .Where(line => line.Contains("ended early", StringComparison.Ordinal))
        .Select(line => (JsonElement?)JsonDocument.Parse(line).RootElement.Clone())
        .FirstOrDefault();
}
