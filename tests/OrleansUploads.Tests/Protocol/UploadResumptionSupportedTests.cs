using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.DraftRequests;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Protocol;

/// <summary>
/// The draft's <c>104 (Upload Resumption Supported)</c> interim responses, as raw HTTP/1.1 and curl
/// see them: the one that announces a new upload, and those that carry the stored offset while a body
/// arrives. Each requirement on the server, in its own words, is one test.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class UploadResumptionSupportedTests(ServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly HttpClient _client = fixture.CreateClient();

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
        var location = await _client.CreateDraftAsync([], length: data.Length);
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
        var location = await _client.CreateDraftAsync([], length: data.Length);
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
}
