using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.DraftRequests;
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
        var location = await _client.CreateDraftAsync(RandomBytes(700), length: 2000);

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
        var location = await _client.CreateDraftAsync(data[..1000], length: null);

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
        var location = await _client.CreateDraftAsync(RandomBytes(500), length: 2000);

        using var response = await _client.SendAsync(Draft(HttpMethod.Patch, location, RandomBytes(100), complete: false, offset: 300));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("500", One(response, "Upload-Offset"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Problems + "mismatching-upload-offset", problem.GetProperty("type").GetString());
        Assert.Equal((500, 300), (problem.GetProperty("expected-offset").GetInt64(), problem.GetProperty("provided-offset").GetInt64()));
        Assert.Equal(500, (await _client.StatusAsync(location)).BytesReceived);
    }

    [Fact]
    public async Task A_completing_append_at_another_offset_is_409_and_leaves_the_length_unknown_for_the_right_one()
    {
        var location = await _client.CreateDraftAsync("hello"u8.ToArray(), length: null);

        using var wrong = await _client.SendAsync(Draft(HttpMethod.Patch, location, " world"u8.ToArray(), complete: true, offset: 3));
        using var head = await _client.SendAsync(Draft(HttpMethod.Head, location));
        using var right = await _client.SendAsync(Draft(HttpMethod.Patch, location, " world"u8.ToArray(), complete: true, offset: 5));

        Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
        Assert.False(head.Headers.Contains("Upload-Length"));
        Assert.Equal((HttpStatusCode.NoContent, "?1"), (right.StatusCode, One(right, "Upload-Complete")));
        Assert.Equal("hello world"u8.ToArray(), await _client.GetByteArrayAsync(location + "/content"));
    }

    [Fact]
    public async Task Bytes_sent_to_a_completed_upload_are_an_inconsistent_length_problem_and_change_nothing()
    {
        var data = RandomBytes(100);
        var location = await _client.CreateDraftAsync(data, length: null, complete: true);

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
    public async Task Offset_retrieval_with_GET_answers_the_same_fields_as_HEAD_and_is_not_cached()
    {
        var location = await _client.CreateDraftAsync(RandomBytes(300), length: 1000);

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
        var location = await _client.CreateDraftAsync(RandomBytes(100), length: 1000);

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
        var location = await _client.CreateDraftAsync(RandomBytes(100), length: 300);
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
