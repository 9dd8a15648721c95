using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Processing;

/// <summary>
/// A <c>sha256</c> declared in the metadata is 64 hex digits or base64 of 32 bytes. One that is neither is
/// malformed metadata, refused with 400 when the upload is created, before a byte of its body is sent.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class DeclaredChecksumTests(ServiceFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_declared_sha256_that_is_neither_hex_nor_base64_of_32_bytes_is_400_at_creation_and_nothing_is_created(bool withUpload)
    {
        var before = await ActiveIdsAsync();

        using var response = await _client.SendAsync(Creation(Metadata(("sha256", "zzz")), withUpload ? RandomBytes(100) : null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The declared sha256 'zzz' is neither 64 hex digits nor base64 of 32 bytes.", await response.Content.ReadAsStringAsync());
        Assert.Null(response.Headers.Location);
        Assert.Empty((await ActiveIdsAsync()).Except(before));
    }

    [Theory]
    [InlineData("hex")]
    [InlineData("base64")]
    public async Task A_declared_sha256_in_hex_or_base64_is_accepted_and_checked_against_the_file(string form)
    {
        var data = RandomBytes(100);
        var digest = form == "hex" ? Sha256(data) : Convert.ToBase64String(SHA256.HashData(data));

        using var response = await _client.SendAsync(Creation(Metadata(("sha256", digest)), data));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(("completed", Sha256(data)), await StateAsync(response.Headers.Location!.ToString()));
    }

    private async Task<(string, string?)> StateAsync(string location)
    {
        var status = await _client.StatusAsync(location);
        return (status.State, status.Sha256);
    }

    private static HttpRequestMessage Creation(string metadata, byte[]? body)
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "100");
        request.Headers.Add("Upload-Metadata", metadata);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new("application/offset+octet-stream");
        }

        return request;
    }

    /// <summary>Every unfinished upload of this service's one anonymous owner (fewer than a page holds).</summary>
    private async Task<string[]> ActiveIdsAsync() =>
        (await _client.GetFromJsonAsync<UploadStatusView[]>("/api/uploads?state=active&limit=1000", Json))!.Select(upload => upload.Id).ToArray();
}
