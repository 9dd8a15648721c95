using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Limits;

/// <summary>Each limit against a service of its own, configured small enough to reach.</summary>
public sealed class LimitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Metadata_longer_than_the_limit_is_400()
    {
        await using var service = await UploadService.StartAsync("--Limits:MaxMetadataBytes=64");
        using var client = service.CreateClient();
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "10");
        request.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String(new byte[64]));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 64 bytes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_owner_past_the_unfinished_upload_limit_gets_429_with_retry_after_until_one_finishes()
    {
        await using var service = await UploadService.StartAsync("--Limits:MaxActiveUploadsPerOwner=2");
        using var client = service.CreateClient();
        var first = await client.CreateAsync(1);
        await client.CreateAsync(1);

        using var refused = await client.SendAsync(Create(10));
        using var form = await client.PostAsync("/api/uploads", new MultipartFormDataContent { { new ByteArrayContent([1]), "file", "a.bin" } });
        await client.PatchAsync(first, 0, [7]);
        using var admitted = await client.SendAsync(Create(10));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), refused.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);
        Assert.Equal(HttpStatusCode.Created, admitted.StatusCode);
    }

    [Fact]
    public async Task Requests_past_the_rate_limit_get_429_with_retry_after()
    {
        await using var service = await UploadService.StartAsync("--Limits:RequestsPerWindow=20", "--Limits:RateWindow=00:01:00");
        using var client = service.CreateClient();
        var answers = new List<HttpResponseMessage>();
        for (var request = 0; request < 30; request++)
        {
            answers.Add(await client.GetAsync("/api/uploads"));
        }

        // The readiness probe of the test harness spent a few of the 20 already.
        Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.OK), 15, 20);
        var refused = answers.SkipWhile(a => a.StatusCode == HttpStatusCode.OK).ToArray();
        Assert.All(refused, a => Assert.Equal(HttpStatusCode.TooManyRequests, a.StatusCode));
        Assert.Equal(TimeSpan.FromSeconds(60), refused[0].Headers.RetryAfter!.Delta);
        Assert.Equal("application/problem+json", refused[0].Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many requests: at most 20 per 00:01:00.", await refused[0].Content.ReadAsStringAsync());
        answers.ForEach(a => a.Dispose());
    }

    /// <summary>
    /// tus-js-client (and Uppy through it) takes any 4xx to its HEAD but 423 for a lost upload: it forgets
    /// the upload and starts the file over under a new id. Past the rate limit, a HEAD answers 423, which it
    /// retries, and the upload resumes where it was.
    /// </summary>
    [Fact]
    public async Task Tus_js_client_resuming_past_the_rate_limit_waits_and_resumes_the_same_upload()
    {
        await using var service = await UploadService.StartAsync("--Limits:RequestsPerWindow=10", "--Limits:RateWindow=00:00:10");
        using var client = service.CreateClient();
        var data = RandomBytes(2 << 20);
        var location = await client.CreateAsync(data.Length);
        using (var half = await client.PatchAsync(location, 0, data[..(1 << 20)]))
        {
            Assert.Equal(HttpStatusCode.NoContent, half.StatusCode);
        }

        var file = Path.Combine(Path.GetTempPath(), $"tus-continue-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, data);
        try
        {
            using var node = NodeScript.Start("tus-continue.mjs", new Uri(service.BaseAddress, "/api/uploads").ToString(),
                new Uri(service.BaseAddress, location).ToString(), file, "--spend-rate-limit");
            var finished = await node.FinishAsync(TimeSpan.FromSeconds(60));

            var spent = await node.EventAsync("spent", TimeSpan.Zero);
            var heads = node.Lines.Where(l => l.GetProperty("event").GetString() == "response" && l.GetProperty("method").GetString() == "HEAD")
                .Select(l => l.GetProperty("status").GetInt32()).ToArray();
            Assert.Equal(423, spent.GetProperty("status").GetInt32());
            Assert.Equal(423, heads[0]);
            Assert.Equal(200, heads[^1]);
            Assert.Equal((location, 1L << 20), (new Uri(finished.GetProperty("url").GetString()!).AbsolutePath, finished.GetProperty("resumedFrom").GetInt64()));
            var status = await client.StatusAsync(location);
            Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_stalled_body_is_cut_its_lease_released_and_the_upload_stays_resumable()
    {
        await using var service = await UploadService.StartAsync("--Limits:MinBodyBytesPerSecond=50000", "--Limits:MinBodyGracePeriod=00:00:02");
        using var client = service.CreateClient();
        var data = RandomBytes(2 << 20);
        var location = await client.CreateAsync(data.Length);
        // Kestrel judges the average rate, so a small first part makes the stall show quickly.
        await using var stalled = await StalledPatch.StartAsync(service.BaseAddress, location, 0, data.Length, data.AsMemory(0, 64 << 10));

        var paused = await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.State == "paused", Patience, "the stalled request to be cut");
        Assert.Equal(408, await stalled.StatusCodeAsync(Patience));
        using var resumed = await client.PatchAsync(location, paused.BytesReceived, data[(int)paused.BytesReceived..]);

        Assert.Equal(64 << 10, paused.BytesReceived);
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        Assert.Equal(Sha256(data), (await client.StatusAsync(location)).Sha256);
    }

    [Fact]
    public async Task Cross_origin_calls_are_allowed_only_from_configured_origins_with_tus_headers_exposed()
    {
        await using var service = await UploadService.StartAsync("--Limits:AllowedOrigins:0=https://app.example");
        using var client = service.CreateClient();

        using var allowed = await client.SendAsync(Preflight("https://app.example"));
        using var other = await client.SendAsync(Preflight("https://evil.example"));
        // The draft's creation by PUT, from a browser.
        using var put = await client.SendAsync(Preflight("https://app.example", "PUT"));
        var create = Create(10);
        create.Headers.Add("Origin", "https://app.example");
        using var created = await client.SendAsync(create);

        Assert.Equal("https://app.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("PATCH", allowed.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Contains("PUT", put.Headers.GetValues("Access-Control-Allow-Methods").Single());
        var exposed = created.Headers.GetValues("Access-Control-Expose-Headers").Single();
        Assert.Contains("Upload-Offset", exposed);
        Assert.Contains("Location", exposed);
    }

    private static HttpRequestMessage Create(long length)
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", length.ToString());
        return request;
    }

    private static HttpRequestMessage Preflight(string origin, string method = "PATCH")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/uploads/0123456789abcdef0123456789abcdef");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "tus-resumable,upload-offset,content-type");
        return request;
    }
}
