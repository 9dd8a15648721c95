using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <summary>/metrics in Prometheus' format: each upload moves the service's counters by exactly what it did.</summary>
public sealed partial class MetricsTests : IAsyncLifetime
{
    private UploadService? _service;

    private UploadService Service => _service!;

    public async Task InitializeAsync() => _service = await UploadService.StartAsync();

    [Fact]
    public async Task An_upload_a_refused_patch_and_a_cancel_move_the_counters_by_exactly_what_they_did()
    {
        using var client = Service.CreateClient();
        var before = await ScrapeAsync(client);

        var completed = await client.CreateAsync(3000);
        using (await client.PatchAsync(completed, 0, RandomBytes(3000)))
        {
        }

        var cancelled = await client.CreateAsync(100);
        using (var wrongOffset = await client.PatchAsync(cancelled, 50, RandomBytes(10)))
        {
            Assert.Equal(HttpStatusCode.Conflict, wrongOffset.StatusCode);
        }

        using (await client.SendAsync(Tus(HttpMethod.Delete, cancelled)))
        {
        }

        var after = await ScrapeAsync(client);
        double Moved(string series) => after.GetValueOrDefault(series) - before.GetValueOrDefault(series);
        Assert.Equal(2, Moved("uploads_created_total"));
        Assert.Equal(1, Moved("uploads_finished_total"));
        Assert.Equal(1, Moved("uploads_terminated_total"));
        Assert.Equal(3000, Moved("uploads_received_bytes_total"));
        Assert.Equal(2, Moved("uploads_requests_total{method=\"POST\"}"));
        Assert.Equal(2, Moved("uploads_requests_total{method=\"PATCH\"}"));
        Assert.Equal(1, Moved("uploads_requests_total{method=\"DELETE\"}"));
        Assert.Equal(1, Moved("uploads_errors_total{kind=\"OffsetMismatch\"}"));
        Assert.Contains(after.Keys, series => series.StartsWith("kestrel_", StringComparison.Ordinal) || series.StartsWith("http_server_", StringComparison.Ordinal));
        Assert.Contains(after.Keys, series => series.StartsWith("orleans_", StringComparison.Ordinal));
    }

    /// <summary>Every sample of a scrape, keyed by name and labels (the scope label left out).</summary>
    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient client)
    {
        var samples = new Dictionary<string, double>();
        foreach (Match sample in Sample().Matches(await client.GetStringAsync("/metrics")))
        {
            var labels = string.Join(',', sample.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries).Where(label => !label.StartsWith("otel_scope_", StringComparison.Ordinal)));
            samples[labels.Length == 0 ? sample.Groups["name"].Value : $"{sample.Groups["name"].Value}{{{labels}}}"] = double.Parse(sample.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return samples;
    }

    [GeneratedRegex(@"^(?<name>[a-z_:][a-z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN|\+Inf)", RegexOptions.Multiline)]
    private static partial Regex Sample();

    public async Task DisposeAsync() => await Service.DisposeAsync();
}
