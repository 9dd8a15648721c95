using System.Text.RegularExpressions;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <summary>A request's trace, tagged with its upload's id, holds the grain calls it made.</summary>
public sealed partial class TracingTests
{
    [Fact]
    public async Task A_patchs_trace_is_tagged_with_the_upload_and_holds_its_grain_calls()
    {
        await using var service = await UploadService.StartAsync("--OpenTelemetry:ConsoleTraces=true");
        using var client = service.CreateClient();
        var location = await client.CreateAsync(5);
        using (await client.PatchAsync(location, 0, RandomBytes(5)))
        {
        }

        var spans = await Eventually.UntilAsync(() => Task.FromResult(Spans(service.Output)),
            found => found.Any(span => span.Name == "PATCH /api/uploads/{id}" && span.Tags.Contains($"upload.id: {IdOf(location)}")), TimeSpan.FromSeconds(20), "the PATCH's span");

        var patch = spans.Single(span => span.Name == "PATCH /api/uploads/{id}" && span.Tags.Contains($"upload.id: {IdOf(location)}"));
        var sameTrace = spans.Where(span => span.TraceId == patch.TraceId).Select(span => span.Name).ToHashSet();
        Assert.Contains("IUploadGrain/AcquireLeaseAsync", sameTrace);
        Assert.Contains("IUploadGrain/CompleteAsync", sameTrace);
    }

    /// <summary>The spans the console exporter printed: each one's trace, name and tags.</summary>
    private static List<(string TraceId, string Name, string Tags)> Spans(string output) =>
        [.. Span().Matches(output).Select(match => (match.Groups["trace"].Value, match.Groups["name"].Value.Trim(), match.Groups["rest"].Value))];

    [GeneratedRegex(@"Activity\.TraceId:\s+(?<trace>[0-9a-f]{32}).*?Activity\.DisplayName:\s+(?<name>[^\n]+)(?<rest>.*?)(?=Activity\.TraceId:|\z)", RegexOptions.Singleline)]
    private static partial Regex Span();
}
