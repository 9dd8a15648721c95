using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Protocol;

/// <summary>
/// The IETF resumable-uploads draft (interop version 8), driven by a client written from the draft and
/// by curl: each requirement on the server, in its own words, is one test.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class ResumableDraftTests(ServiceFixture fixture)
{
    private const string Problems = "https://iana.org/assignments/http-problem-types#";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task A_creation_with_Upload_Complete_false_answers_201_with_Location_Upload_Limit_and_the_offset_stored()
    {
        using var response = await _client.SendAsync(Draft(HttpMethod.Post, "/api/uploads", RandomBytes(1000), complete: false, length: 3000));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
        Assert.StartsWith("max-size=", response.Headers.GetValues("Upload-Limit").Single());
        Assert.Equal(("1000", "?0"), (response.Headers.GetValues("Upload-Offset").Single(), response.Headers.GetValues("Upload-Complete").Single()));
    }

    [Fact]
    public async Task A_creation_with_Upload_Complete_true_completes_the_upload_with_its_content_as_the_file()
    {
        var data = RandomBytes(5000);

        using var response = await _client.SendAsync(Draft(HttpMethod.Post, "/api/uploads", data, complete: true));

        Assert.Equal("?1", response.Headers.GetValues("Upload-Complete").Single());
        var status = await _client.StatusAsync(response.Headers.Location!.ToString());
        Assert.Equal(("completed", 5000L, Sha256(data)), (status.State, status.TotalBytes!.Value, status.Sha256));
    }

    [Fact]
    public async Task Offset_retrieval_answers_the_offset_whether_it_is_complete_the_length_and_the_limits_and_is_not_cached()
    {
        var location = await CreatedAsync(RandomBytes(700), length: 2000);

        using var head = await _client.SendAsync(Draft(HttpMethod.Head, location));

        Assert.Equal(HttpStatusCode.NoContent, head.StatusCode);
        Assert.Equal(("700", "?0", "2000"), (One(head, "Upload-Offset"), One(head, "Upload-Complete"), One(head, "Upload-Length")));
        Assert.True(head.Headers.Contains("Upload-Limit"));
        Assert.True(head.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task An_append_continues_from_the_reported_offset_and_the_one_that_completes_says_so()
    {
        var data = RandomBytes(3000);
        var location = await CreatedAsync(data[..1000], length: null);

        using var middle = await _client.SendAsync(Draft(HttpMethod.Patch, location, data[1000..2000], complete: false, offset: 1000));
        using var last = await _client.SendAsync(Draft(HttpMethod.Patch, location, data[2000..], complete: true, offset: 2000));

        Assert.Equal((HttpStatusCode.NoContent, "?0", "2000"), (middle.StatusCode, One(middle, "Upload-Complete"), One(middle, "Upload-Offset")));
        Assert.Equal(("?1", "3000"), (One(last, "Upload-Complete"), One(last, "Upload-Offset")));
        var status = await _client.StatusAsync(location);
        Assert.Equal(("completed", 3000L, Sha256(data)), (status.State, status.TotalBytes!.Value, status.Sha256));
    }

    [Fact]
    public async Task An_append_at_another_offset_is_409_with_a_mismatching_upload_offset_problem_and_the_right_offset()
    {
        var location = await CreatedAsync(RandomBytes(500), length: 2000);

        using var response = await _client.SendAsync(Draft(HttpMethod.Patch, location, RandomBytes(100), complete: false, offset: 300));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("500", One(response, "Upload-Offset"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Problems + "mismatching-upload-offset", problem.GetProperty("type").GetString());
        Assert.Equal((500, 300), (problem.GetProperty("expected-offset").GetInt64(), problem.GetProperty("provided-offset").GetInt64()));
        Assert.Equal(500, (await _client.StatusAsync(location)).BytesReceived);
    }

    [Fact]
    public async Task Bytes_sent_to_a_completed_upload_are_an_inconsistent_length_problem_and_change_nothing()
    {
        var data = RandomBytes(100);
        var location = await CreatedAsync(data, length: null, complete: true);

        using var response = await _client.SendAsync(Draft(HttpMethod.Patch, location, RandomBytes(10), complete: true, offset: 100));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Problems + "inconsistent-upload-length", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Equal(data, await _client.GetByteArrayAsync(location + "/content"));
    }

    [Fact]
    public async Task Lengths_that_disagree_within_a_request_are_an_inconsistent_length_problem_and_nothing_is_created()
    {
        using var response = await _client.SendAsync(Draft(HttpMethod.Post, "/api/uploads", RandomBytes(100), complete: true, length: 500));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Problems + "inconsistent-upload-length", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_creation_cut_off_mid_body_never_marks_the_upload_complete_and_resumes_from_what_arrived()
    {
        var data = RandomBytes(64 << 10);
        using var request = Draft(HttpMethod.Post, "/api/uploads", [], complete: true);
        var body = new StalledAfterContent(data[..20_000]);
        request.Content = body;
        request.Content.Headers.ContentLength = data.Length;
        using var cutOff = new CancellationTokenSource();
        var sending = _client.SendAsync(request, cutOff.Token);
        var location = await Eventually.UntilAsync(ActiveLocationAsync, found => found is not null, Patience, "the upload to exist");
        await Eventually.UntilAsync(() => _client.StatusAsync(location!), s => s.BytesReceived > 0, Patience, "the first bytes");
        await cutOff.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);

        using var head = await _client.SendAsync(Draft(HttpMethod.Head, location!));
        var offset = long.Parse(One(head, "Upload-Offset"));
        Assert.Equal("?0", One(head, "Upload-Complete"));
        using var rest = await _client.SendAsync(Draft(HttpMethod.Patch, location!, data[(int)offset..], complete: true, offset: offset));
        Assert.Equal("?1", One(rest, "Upload-Complete"));
        Assert.Equal(Sha256(data), (await _client.StatusAsync(location!)).Sha256);
    }

    [Fact]
    public async Task A_creation_announces_its_upload_with_104_and_Location_while_its_body_still_arrives()
    {
        var data = RandomBytes(64 << 10);
        await using var creation = await StalledPatch.StartRequestAsync(fixture.Service.BaseAddress,
            $"POST /api/uploads HTTP/1.1\r\nUpload-Draft-Interop-Version: 8\r\nUpload-Complete: ?1\r\nContent-Length: {data.Length}\r\n", data.AsMemory(0, 20_000));

        var (interim, announced) = await creation.ResponseAsync(Patience);
        Assert.Equal(104, interim);
        Assert.Equal("8", announced["upload-draft-interop-version"]);
        var location = announced["location"];
        // The upload exists while its body is on the way: a client cut off now resumes there.
        using (var head = await _client.SendAsync(Draft(HttpMethod.Head, location)))
        {
            Assert.Equal((HttpStatusCode.NoContent, "?0"), (head.StatusCode, One(head, "Upload-Complete")));
        }

        await creation.SendAsync(data.AsMemory(20_000));
        var (final, headers) = await FinalResponseAsync(creation);
        Assert.Equal((201, location), (final, headers["location"]));
        Assert.Equal(Sha256(data), (await _client.StatusAsync(location)).Sha256);
    }

    [Fact]
    public async Task With_Upload_Resumption_Supported_turned_off_a_creation_answers_with_its_final_response_only()
    {
        await using var service = await UploadService.StartAsync("--Uploads:SendUploadResumptionSupported=false");
        var data = RandomBytes(1000);
        await using var creation = await StalledPatch.StartRequestAsync(service.BaseAddress,
            $"POST /api/uploads HTTP/1.1\r\nUpload-Draft-Interop-Version: 8\r\nUpload-Complete: ?1\r\nContent-Length: {data.Length}\r\n", data);

        Assert.Equal(201, (await creation.ResponseAsync(Patience)).StatusCode);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task Interop_version_9_creates_an_upload_from_any_request_with_content_and_announces_it_with_its_version(string method)
    {
        var data = RandomBytes(3000);
        await using var creation = await StalledPatch.StartRequestAsync(fixture.Service.BaseAddress,
            $"{method} /api/uploads HTTP/1.1\r\nUpload-Draft-Interop-Version: 9\r\nUpload-Complete: ?0\r\nUpload-Length: 5000\r\nContent-Length: {data.Length}\r\n", data);

        var (interim, announced) = await creation.ResponseAsync(Patience);
        var (final, headers) = await FinalResponseAsync(creation);

        Assert.Equal((104, "9"), (interim, announced["upload-draft-interop-version"]));
        Assert.Equal((201, announced["location"], "3000", "?0"), (final, headers["location"], headers["upload-offset"], headers["upload-complete"]));
    }

    [Fact]
    public async Task While_an_append_arrives_104s_tell_the_client_each_offset_the_server_stored_without_a_Location()
    {
        var data = RandomBytes(100_000);
        var location = await CreatedAsync([], length: data.Length);
        await using var append = await StalledPatch.StartRequestAsync(fixture.Service.BaseAddress,
            $"PATCH {location} HTTP/1.1\r\nUpload-Draft-Interop-Version: 9\r\nUpload-Complete: ?1\r\nUpload-Offset: 0\r\n" +
            $"Content-Type: application/partial-upload\r\nContent-Length: {data.Length}\r\n", data.AsMemory(0, 40_000));

        // The body stalls after its first part: what arrived is stored, and the client hears so mid-request.
        var (interim, progress) = await append.ResponseAsync(Patience);
        Assert.Equal((104, "40000", "9"), (interim, progress["upload-offset"], progress["upload-draft-interop-version"]));
        Assert.False(progress.ContainsKey("location"));
        Assert.True((await _client.StatusAsync(location)).BytesReceived >= 40_000, "A 104's offset is one the server stored.");

        await append.SendAsync(data.AsMemory(40_000));
        var offsets = new List<long> { 40_000 };
        var (status, headers) = await append.ResponseAsync(Patience);
        for (; status == 104; (status, headers) = await append.ResponseAsync(Patience))
        {
            Assert.False(headers.ContainsKey("location"));
            offsets.Add(long.Parse(headers["upload-offset"]));
        }

        Assert.Equal((204, "?1"), (status, headers["upload-complete"]));
        Assert.Equal(offsets.Order(), offsets);
        Assert.Equal(Sha256(data), (await _client.StatusAsync(location)).Sha256);
    }

    [Fact]
    public async Task Curl_sees_the_stored_offset_grow_in_104s_during_a_paced_append()
    {
        var data = RandomBytes(300_000);
        var location = await CreatedAsync([], length: data.Length);
        var file = Path.Combine(Path.GetTempPath(), $"draft-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, data);
        try
        {
            var answer = await CurlAsync("-X", "PATCH", "--limit-rate", "300k", "-H", "Upload-Draft-Interop-Version: 9", "-H", "Upload-Complete: ?1", "-H", "Upload-Offset: 0",
                "-H", "Content-Type: application/partial-upload", "-H", "Expect:", "--data-binary", $"@{file}", new Uri(fixture.Service.BaseAddress, location).ToString());

            var offsets = answer.Split("\n\n").Where(head => head.StartsWith("HTTP/1.1 104", StringComparison.Ordinal))
                .Select(head => long.Parse(head.Split('\n').Single(line => line.StartsWith("Upload-Offset:", StringComparison.OrdinalIgnoreCase))["Upload-Offset:".Length..])).ToList();
            Assert.True(offsets.Count >= 2, answer);
            Assert.Equal(offsets.Order(), offsets);
            Assert.Contains("HTTP/1.1 204", answer);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Offset_retrieval_with_GET_answers_the_same_fields_as_HEAD_and_is_not_cached()
    {
        var location = await CreatedAsync(RandomBytes(300), length: 1000);

        using var get = await _client.SendAsync(Draft(HttpMethod.Get, location));
        using var head = await _client.SendAsync(Draft(HttpMethod.Head, location));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        foreach (var field in new[] { "Upload-Offset", "Upload-Complete", "Upload-Length", "Upload-Limit" })
        {
            Assert.Equal(One(head, field), One(get, field));
        }

        Assert.Equal(("300", "?0"), (One(get, "Upload-Offset"), One(get, "Upload-Complete")));
        Assert.True(get.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task Cancellation_with_DELETE_ends_the_upload_and_later_requests_find_it_gone()
    {
        var location = await CreatedAsync(RandomBytes(100), length: 1000);

        using var delete = await _client.SendAsync(Draft(HttpMethod.Delete, location));
        using var head = await _client.SendAsync(Draft(HttpMethod.Head, location));

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.Gone), (delete.StatusCode, head.StatusCode));
    }

    [Fact]
    public async Task Options_names_the_append_media_type_and_the_limits()
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/uploads"));

        Assert.Equal("application/partial-upload", One(response, "Accept-Patch"));
        Assert.True(response.Headers.Contains("Upload-Limit"));
    }

    [Fact]
    public async Task A_draft_upload_is_the_same_upload_to_the_status_api_and_its_watchers()
    {
        var location = await CreatedAsync(RandomBytes(100), length: 300);
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(location));

        using (await _client.SendAsync(Draft(HttpMethod.Patch, location, RandomBytes(200), complete: true, offset: 100)))
        {
        }

        Assert.Equal(300, (await watcher.NextAsync("UploadCompleted", IdOf(location), Patience)).BytesReceived);
    }

    [Fact]
    public async Task Curl_creates_an_upload_with_the_draft_and_completes_it_with_an_append()
    {
        var data = RandomBytes(4000);
        var file = Path.Combine(Path.GetTempPath(), $"draft-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, data[..1500]);
        await File.WriteAllBytesAsync(file + ".rest", data[1500..]);
        try
        {
            var created = await CurlAsync("-X", "POST", "-H", "Upload-Draft-Interop-Version: 8", "-H", "Upload-Complete: ?0", "-H", "Upload-Length: 4000",
                "--data-binary", $"@{file}", new Uri(fixture.Service.BaseAddress, "/api/uploads").ToString());
            // The 104 that announced the upload, then the final answer, both with its Location.
            Assert.StartsWith("HTTP/1.1 104 Upload Resumption Supported", created);
            var location = created.Split('\n').Where(line => line.StartsWith("Location:", StringComparison.OrdinalIgnoreCase))
                .Select(line => line["Location:".Length..].Trim()).Distinct().Single();
            await CurlAsync("-X", "PATCH", "-H", "Upload-Draft-Interop-Version: 8", "-H", "Upload-Complete: ?1", "-H", "Upload-Offset: 1500",
                "-H", "Content-Type: application/partial-upload", "--data-binary", $"@{file}.rest", new Uri(fixture.Service.BaseAddress, location).ToString());

            Assert.Equal(("completed", Sha256(data)), ((await _client.StatusAsync(location)).State, (await _client.StatusAsync(location)).Sha256));
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".rest");
        }
    }

    private async Task<string?> ActiveLocationAsync()
    {
        var active = await _client.GetFromJsonAsync<UploadStatusView[]>("/api/uploads?state=active&limit=1000", Json);
        return active!.Where(s => s.TotalBytes == 64 << 10 && s.State == "uploading").Select(s => $"/api/uploads/{s.Id}").LastOrDefault();
    }

    private async Task<string> CreatedAsync(byte[] data, long? length, bool complete = false)
    {
        using var response = await _client.SendAsync(Draft(HttpMethod.Post, "/api/uploads", data, complete, length: length));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    /// <summary>A request as the draft's client sends it: its version, and for bodies whether they complete the upload.</summary>
    private static HttpRequestMessage Draft(HttpMethod method, string url, byte[]? body = null, bool complete = false, long? offset = null, long? length = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Upload-Draft-Interop-Version", "8");
        if (body is not null)
        {
            request.Headers.Add("Upload-Complete", complete ? "?1" : "?0");
            request.Content = new ByteArrayContent(body);
            if (method == HttpMethod.Patch)
            {
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/partial-upload");
            }
        }

        if (offset is { } at)
        {
            request.Headers.Add("Upload-Offset", at.ToString());
        }

        if (length is { } size)
        {
            request.Headers.Add("Upload-Length", size.ToString());
        }

        return request;
    }

    /// <summary>The final answer, past any interim progress (104 with an offset) sent meanwhile.</summary>
    private static async Task<(int StatusCode, Dictionary<string, string> Headers)> FinalResponseAsync(StalledPatch request)
    {
        var answer = await request.ResponseAsync(Patience);
        while (answer.StatusCode == 104)
        {
            Assert.False(answer.Headers.ContainsKey("location"), "Only the first 104 of a creation names the upload.");
            answer = await request.ResponseAsync(Patience);
        }

        return answer;
    }

    private static string One(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? values.Single() : response.Content.Headers.GetValues(header).Single();

    private static async Task<string> CurlAsync(params string[] arguments)
    {
        using var curl = Process.Start(new ProcessStartInfo("curl", ["-sS", "-i", "--fail-with-body", .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.True(curl.ExitCode == 0, output + await curl.StandardError.ReadToEndAsync());
        return output.Replace("\r", "");
    }

    /// <summary>Sends its bytes, then holds the request open without sending more, as a client whose network stalled.</summary>
    private sealed class StalledAfterContent(byte[] sent) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(sent);
            await stream.FlushAsync();
            await Task.Delay(Timeout.Infinite);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            SerializeToStreamAsync(stream, context).WaitAsync(cancellationToken);
    }
}
