using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.DraftRequests;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Protocol;

/// <summary>
/// The media type a body must have is compared as RFC 9110 (section 8.3.1) says: type and subtype
/// case-insensitively, with any parameters after them; another type is still refused with 415.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class MediaTypeTests(ServiceFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    public static TheoryData<string> OffsetStreamSpellings => ["Application/Offset+Octet-Stream", "application/offset+octet-stream; charset=utf-8"];

    [Theory]
    [MemberData(nameof(OffsetStreamSpellings))]
    public async Task A_patch_body_of_the_offset_stream_type_in_any_case_or_with_parameters_is_stored(string contentType)
    {
        var data = RandomBytes(1000);
        var location = await _client.CreateAsync(data.Length);

        using var response = await _client.SendAsync(Typed(Patch(location, 0, new ByteArrayContent(data)), contentType));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Sha256(data), (await _client.StatusAsync(location)).Sha256);
    }

    [Theory]
    [MemberData(nameof(OffsetStreamSpellings))]
    public async Task A_body_sent_with_creation_of_the_offset_stream_type_in_any_case_or_with_parameters_is_stored(string contentType)
    {
        var data = RandomBytes(1000);

        using var response = await _client.SendAsync(Typed(CreateWith(data, data.Length), contentType));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Sha256(data), (await _client.StatusAsync(response.Headers.Location!.ToString())).Sha256);
    }

    [Theory]
    [InlineData("Application/Partial-Upload")]
    [InlineData("application/partial-upload; charset=utf-8")]
    public async Task A_draft_append_of_the_partial_upload_type_in_any_case_or_with_parameters_is_stored(string contentType)
    {
        var data = RandomBytes(1000);
        var location = await _client.CreateDraftAsync(data[..400], length: data.Length);

        using var response = await _client.SendAsync(Typed(Draft(HttpMethod.Patch, location, data[400..], complete: true, offset: 400), contentType));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Sha256(data), (await _client.StatusAsync(location)).Sha256);
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("application/offset+octet-streams")]
    [InlineData("application/offset")]
    public async Task Another_type_is_still_415_for_a_patch_and_for_a_creation_with_a_body(string contentType)
    {
        var location = await _client.CreateAsync(10);

        using var patch = await _client.SendAsync(Typed(Patch(location, 0, new ByteArrayContent(RandomBytes(10))), contentType));
        using var creation = await _client.SendAsync(Typed(CreateWith(RandomBytes(10), 10), contentType));

        Assert.Equal((HttpStatusCode.UnsupportedMediaType, HttpStatusCode.UnsupportedMediaType), (patch.StatusCode, creation.StatusCode));
        Assert.Equal(0, await _client.OffsetAsync(location));
    }

    private static HttpRequestMessage CreateWith(byte[] body, long length)
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", length.ToString());
        request.Content = new ByteArrayContent(body);
        return request;
    }

    /// <summary>The Content-Type exactly as given, which the client's own parser would otherwise normalise.</summary>
    private static HttpRequestMessage Typed(HttpRequestMessage request, string contentType)
    {
        request.Content!.Headers.Remove("Content-Type");
        Assert.True(request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType));
        return request;
    }
}
