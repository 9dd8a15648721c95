using System.Net;
using System.Text;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <remarks>Runs once for each store: see the classes at the end.</remarks>
public abstract class DiscoveryAndCreationTests(StoreServiceFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Options_advertises_version_extensions_max_size_and_checksums()
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/uploads"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("creation,creation-with-upload,creation-defer-length,termination,checksum,expiration,concatenation,concatenation-unfinished", response.Headers.GetValues("Tus-Extension").Single());
        Assert.Equal("1073741824", response.Headers.GetValues("Tus-Max-Size").Single());
        Assert.Equal("sha1,sha256,md5", response.Headers.GetValues("Tus-Checksum-Algorithm").Single());
    }

    [Fact]
    public async Task Post_creates_an_upload_at_offset_zero_with_its_metadata()
    {
        var location = await _client.CreateAsync(100, $"filename {B64("report.pdf")},filetype {B64("application/pdf")}");

        using var head = await _client.SendAsync(Tus(HttpMethod.Head, location));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("0", head.Headers.GetValues("Upload-Offset").Single());
        Assert.Equal("100", head.Headers.GetValues("Upload-Length").Single());
        Assert.Equal($"filename {B64("report.pdf")},filetype {B64("application/pdf")}", head.Headers.GetValues("Upload-Metadata").Single());
        Assert.Equal("no-store", head.Headers.CacheControl!.ToString());
        Assert.Equal("1.0.0", head.Headers.GetValues("Tus-Resumable").Single());

        var status = await _client.StatusAsync(location);
        Assert.Equal(("report.pdf", "application/pdf", "created"), (status.FileName, status.ContentType, status.State));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1e3")]
    [InlineData("99999999999999999999")]
    public async Task Post_without_a_valid_length_is_400(string? length)
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        if (length is not null)
        {
            request.Headers.TryAddWithoutValidation("Upload-Length", length);
        }

        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Post_larger_than_the_maximum_is_413()
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", (1073741824L + 1).ToString());

        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("filename not*base64")]
    [InlineData("filename YQ==,filename Yg==")]
    [InlineData("a b c")]
    public async Task Post_with_malformed_metadata_is_400(string metadata)
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "10");
        request.Headers.TryAddWithoutValidation("Upload-Metadata", metadata);

        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0.2.2")]
    public async Task Requests_without_a_supported_tus_version_are_412_with_tus_version(string? version)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "10");
        if (version is not null)
        {
            request.Headers.Add("Tus-Resumable", version);
        }

        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
    }

    [Fact]
    public async Task Creation_with_upload_stores_the_body_and_answers_its_offset()
    {
        var data = RandomBytes(5000);
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "10000");
        request.Content = new ByteArrayContent(data);
        request.Content.Headers.ContentType = new("application/offset+octet-stream");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("5000", response.Headers.GetValues("Upload-Offset").Single());
        var location = response.Headers.Location!.ToString();
        Assert.Equal(5000, await _client.OffsetAsync(location));
        Assert.Equal(data, await fixture.StoredBytesAsync(IdOf(location)));
    }

    [Fact]
    public async Task Method_override_turns_a_post_into_the_named_method()
    {
        var location = await _client.CreateAsync(10);
        var request = Tus(HttpMethod.Post, location);
        request.Headers.Add("X-HTTP-Method-Override", "PATCH");
        request.Headers.Add("Upload-Offset", "0");
        request.Content = new ByteArrayContent(RandomBytes(10));
        request.Content.Headers.ContentType = new("application/offset+octet-stream");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("completed", (await _client.StatusAsync(location)).State);

        var abuse = Tus(HttpMethod.Post, location);
        abuse.Headers.Add("X-HTTP-Method-Override", "GET");
        using var refused = await _client.SendAsync(abuse);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}

[Collection(ServiceCollection.Name)]
public sealed class DiscoveryAndCreationTestsOnFiles(ServiceFixture fixture) : DiscoveryAndCreationTests(fixture);

[Collection(AzureServiceCollection.Name)]
public sealed class DiscoveryAndCreationTestsOnAzure(AzureServiceFixture fixture) : DiscoveryAndCreationTests(fixture);

[Collection(S3ServiceCollection.Name)]
public sealed class DiscoveryAndCreationTestsOnS3(S3ServiceFixture fixture) : DiscoveryAndCreationTests(fixture);
