using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <remarks>Runs once for each store: see the classes at the end.</remarks>
public abstract partial class StatusTests(StoreServiceFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Status_reports_counts_timing_and_the_files_hash()
    {
        var data = RandomBytes(10_000);
        var location = await _client.CreateAsync(data.Length, $"filename {Convert.ToBase64String("a.bin"u8.ToArray())}");
        await _client.PatchAsync(location, 0, data[..4000]);

        var partial = await _client.StatusAsync(location);
        Assert.Equal(("paused", 4000L, 10_000L, 40.0), (partial.State, partial.BytesReceived, partial.TotalBytes, partial.Percentage));
        Assert.NotNull(partial.StartedAt);
        Assert.Null(partial.CompletedAt);
        Assert.Null(partial.Sha256);

        await _client.PatchAsync(location, 4000, data[4000..]);
        var done = await _client.StatusAsync(location);
        Assert.Equal(("completed", 10_000L, 100.0, Sha256(data)), (done.State, done.BytesReceived, done.Percentage, done.Sha256));
        Assert.True(done.CompletedAt >= done.StartedAt && done.StartedAt >= done.CreatedAt);
        Assert.Null(done.Error);
    }

    [Fact]
    public async Task Unknown_ids_are_404_with_problem_details()
    {
        foreach (var id in new[] { "0123456789abcdef0123456789abcdef", "nope", "..%2Fgrains" })
        {
            using var response = await _client.GetAsync($"/api/uploads/{id}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task Active_list_holds_unfinished_uploads_only()
    {
        var unfinished = await _client.CreateAsync(10);
        var finished = await _client.CreateAsync(1);
        await _client.PatchAsync(finished, 0, [42]);

        var active = await _client.GetFromJsonAsync<UploadStatusView[]>("/api/uploads?state=active", Json);

        Assert.Contains(active!, s => s.Id == IdOf(unfinished));
        Assert.DoesNotContain(active!, s => s.Id == IdOf(finished));
        using var other = await _client.GetAsync("/api/uploads?state=everything");
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task Active_list_comes_in_pages_oldest_first_each_linking_to_the_next()
    {
        var mine = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            mine.Add(IdOf(await _client.CreateAsync(10)));
        }

        var listed = new List<string>();
        var pages = 0;
        for (string? next = "/api/uploads?state=active&limit=2"; next is not null; pages++)
        {
            using var response = await _client.GetAsync(next);
            response.EnsureSuccessStatusCode();
            var page = (await response.Content.ReadFromJsonAsync<UploadStatusView[]>(Json))!;
            Assert.InRange(page.Length, 0, 2);
            listed.AddRange(page.Select(s => s.Id));
            next = response.Headers.TryGetValues("Link", out var links) ? NextPage().Match(links.Single()).Groups["url"].Value : null;
        }

        Assert.True(pages >= 2);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        Assert.All(mine, id => Assert.Single(listed, id));
        using var tooLarge = await _client.GetAsync("/api/uploads?state=active&limit=100000");
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        using var notAnId = await _client.GetAsync("/api/uploads?state=active&after=..%2F");
        Assert.Equal(HttpStatusCode.BadRequest, notAnId.StatusCode);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("2.5")]
    [InlineData("0")]
    [InlineData("100000")]
    public async Task A_page_size_that_is_no_whole_number_in_range_is_told_what_limit_takes(string limit)
    {
        using var response = await _client.GetAsync($"/api/uploads?state=active&limit={limit}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("limit must be a whole number from 1 to 1000.", await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("^<(?<url>[^>]+)>; rel=\"next\"$")]
    private static partial Regex NextPage();

    [Fact]
    public async Task Content_downloads_a_completed_file_under_its_safely_encoded_name()
    {
        var name = "../../etc/passwd \"quoted\" ünïcode.txt";
        var data = RandomBytes(300);
        var location = await _client.CreateAsync(data.Length, $"filename {Convert.ToBase64String(Encoding.UTF8.GetBytes(name))}");
        using var incomplete = await _client.GetAsync(location + "/content");
        await _client.PatchAsync(location, 0, data);

        using var response = await _client.GetAsync(location + "/content");

        Assert.Equal(HttpStatusCode.Conflict, incomplete.StatusCode);
        Assert.Equal(data, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal(name, disposition.FileNameStar);
        Assert.DoesNotContain(Directory.EnumerateFiles(fixture.Service.DataPath, "*", SearchOption.AllDirectories), f => f.Contains("passwd"));
    }

    [Fact]
    public async Task Content_is_read_in_ranges_while_running_and_with_if_range_once_complete()
    {
        var data = RandomBytes(1 << 20);
        var location = await _client.CreateAsync(data.Length, $"filename {Convert.ToBase64String("ranges.bin"u8)}");
        await _client.PatchAsync(location, 0, data[..600_000]);

        using var inside = await GetContentAsync(location, request => request.Headers.Range = new RangeHeaderValue(100, 199));
        using var past = await GetContentAsync(location, request => request.Headers.Range = new RangeHeaderValue(700_000, null));
        using var whole = await _client.GetAsync(location + "/content");

        if (fixture.ReadsWhileRunning)
        {
            // A range of the committed bytes of a running upload is served; the rest is not there yet.
            Assert.Equal(HttpStatusCode.PartialContent, inside.StatusCode);
            Assert.Equal(data[100..200], await inside.Content.ReadAsByteArrayAsync());
            Assert.Equal("bytes 100-199/600000", inside.Content.Headers.ContentRange!.ToString());
            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, past.StatusCode);
        }
        else
        {
            // S3 serves nothing of a multipart upload before it completes: the client is told so.
            Assert.Equal(HttpStatusCode.Conflict, inside.StatusCode);
            Assert.Contains("only once", await inside.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.Conflict, whole.StatusCode);

        await _client.PatchAsync(location, 600_000, data[600_000..]);
        using var complete = await _client.GetAsync(location + "/content");
        var etag = complete.Headers.ETag!;
        using var resumed = await GetContentAsync(location, request =>
        {
            request.Headers.Range = new RangeHeaderValue(1000, null);
            request.Headers.IfRange = new RangeConditionHeaderValue(etag);
        });
        using var changed = await GetContentAsync(location, request =>
        {
            request.Headers.Range = new RangeHeaderValue(1000, null);
            request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"not-this-file\""));
        });

        Assert.Equal(data, await complete.Content.ReadAsByteArrayAsync());
        Assert.Equal($"\"{Sha256(data)}\"", etag.Tag);
        Assert.Equal("ranges.bin", complete.Content.Headers.ContentDisposition!.FileNameStar);
        Assert.Equal(HttpStatusCode.PartialContent, resumed.StatusCode);
        Assert.Equal(data[1000..], await resumed.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(data, await changed.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Head_of_content_tells_a_files_size_and_etag_and_a_cached_copy_is_not_sent_again()
    {
        var data = RandomBytes(5000);
        var location = await _client.CreateAsync(data.Length);
        using var running = await GetContentAsync(location, _ => { }, HttpMethod.Head);
        await _client.PatchAsync(location, 0, data);

        using var head = await GetContentAsync(location, _ => { }, HttpMethod.Head);
        using var cached = await GetContentAsync(location, request => request.Headers.IfNoneMatch.Add(head.Headers.ETag!));

        // HEAD answers as GET would, without the body (RFC 9110, 9.3.2): a download manager asks it first.
        Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(data.Length, head.Content.Headers.ContentLength);
        Assert.Equal($"\"{Sha256(data)}\"", head.Headers.ETag!.Tag);
        Assert.Equal("bytes", head.Headers.AcceptRanges.Single());
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
    }

    private Task<HttpResponseMessage> GetContentAsync(string location, Action<HttpRequestMessage> shape, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, location + "/content");
        shape(request);
        return _client.SendAsync(request);
    }

    [Fact]
    public async Task Multipart_form_upload_is_streamed_tracked_and_answered_with_its_status()
    {
        var data = RandomBytes(3_000_000);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(data), "file", "big.iso" } };
        form.First().Headers.ContentType = new MediaTypeHeaderValue("application/x-iso9660-image");

        using var response = await _client.PostAsync("/api/uploads", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var status = (await response.Content.ReadFromJsonAsync<UploadStatusView>(Json))!;
        Assert.Equal(("big.iso", "application/x-iso9660-image", "completed", 3_000_000L, Sha256(data)),
            (status.FileName, status.ContentType, status.State, status.TotalBytes, status.Sha256));
        Assert.Equal(status, await _client.StatusAsync(response.Headers.Location!.ToString()));
        Assert.Equal(data, await _client.GetByteArrayAsync(response.Headers.Location + "/content"));
    }

    [Fact]
    public async Task A_multipart_upload_whose_client_pauses_mid_file_still_arrives_whole()
    {
        var data = RandomBytes(2_000_000);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(data), "file", "paused.bin" } };
        var body = await form.ReadAsByteArrayAsync();
        // Long enough for the writer to want to commit what it stored while the client is silent.
        using var paused = new PausingContent(body, body.Length / 2, TimeSpan.FromMilliseconds(500));
        paused.Headers.ContentType = form.Headers.ContentType;

        using var response = await _client.PostAsync("/api/uploads", paused);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Sha256(data), (await response.Content.ReadFromJsonAsync<UploadStatusView>(Json))!.Sha256);
    }

    [Fact]
    public async Task Multipart_form_without_a_file_is_400()
    {
        using var form = new MultipartFormDataContent { { new StringContent("hello"), "note" } };

        using var response = await _client.PostAsync("/api/uploads", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}

[Collection(ServiceCollection.Name)]
public sealed class StatusTestsOnFiles(ServiceFixture fixture) : StatusTests(fixture);

[Collection(AzureServiceCollection.Name)]
public sealed class StatusTestsOnAzure(AzureServiceFixture fixture) : StatusTests(fixture);

[Collection(S3ServiceCollection.Name)]
public sealed class StatusTestsOnS3(S3ServiceFixture fixture) : StatusTests(fixture);
