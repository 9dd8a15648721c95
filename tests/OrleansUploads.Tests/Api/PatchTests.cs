using System.Net;
using System.Security.Cryptography;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <remarks>Runs once for each store: see the classes at the end.</remarks>
public abstract class PatchTests(StoreServiceFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Patch_stores_the_chunk_and_answers_the_new_offset()
    {
        var data = RandomBytes(3000);
        var location = await _client.CreateAsync(data.Length);

        using var first = await _client.PatchAsync(location, 0, data[..1000]);
        using var second = await _client.PatchAsync(location, 1000, data[1000..]);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal("1000", first.Headers.GetValues("Upload-Offset").Single());
        Assert.Equal("3000", second.Headers.GetValues("Upload-Offset").Single());
        var status = await _client.StatusAsync(location);
        Assert.Equal(("completed", 3000L, 100.0, Sha256(data)), (status.State, status.BytesReceived, status.Percentage, status.Sha256));
        Assert.Equal(data, await _client.GetByteArrayAsync(location + "/content"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(500)]
    [InlineData(5000)]
    public async Task Patch_at_the_wrong_offset_is_409_and_changes_nothing(long offset)
    {
        var data = RandomBytes(2000);
        var location = await _client.CreateAsync(4000);
        await _client.PatchAsync(location, 0, data[..1000]);

        using var response = await _client.PatchAsync(location, offset, data[1000..]);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(1000, await _client.OffsetAsync(location));
        Assert.Equal(data[..1000], await fixture.StoredBytesAsync(IdOf(location)));
    }

    [Fact]
    public async Task Patch_with_another_content_type_is_415()
    {
        var location = await _client.CreateAsync(10);
        var request = Patch(location, 0, new ByteArrayContent(RandomBytes(10)));
        request.Content!.Headers.ContentType = new("application/octet-stream");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, await _client.OffsetAsync(location));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("-5")]
    [InlineData("ten")]
    public async Task Patch_without_a_valid_offset_is_400(string? offset)
    {
        var location = await _client.CreateAsync(10);
        var request = Patch(location, 0, new ByteArrayContent(RandomBytes(10)));
        request.Headers.Remove("Upload-Offset");
        if (offset is not null)
        {
            request.Headers.TryAddWithoutValidation("Upload-Offset", offset);
        }

        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Patch_longer_than_the_declared_length_is_413_and_stores_nothing()
    {
        var location = await _client.CreateAsync(100);

        using var response = await _client.PatchAsync(location, 0, RandomBytes(101));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await _client.OffsetAsync(location));
        Assert.Empty((await fixture.StoredBytesAsync(IdOf(location)))!);
    }

    [Theory]
    [InlineData("sha1")]
    [InlineData("sha256")]
    [InlineData("md5")]
    public async Task Patch_with_a_matching_checksum_is_stored(string algorithm)
    {
        var data = RandomBytes(4096);
        var location = await _client.CreateAsync(data.Length);
        var request = Patch(location, 0, new ByteArrayContent(data));
        request.Headers.Add("Upload-Checksum", $"{algorithm} {Convert.ToBase64String(Digest(algorithm, data))}");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(data.Length, await _client.OffsetAsync(location));
    }

    [Fact]
    public async Task Patch_with_a_mismatching_checksum_is_460_and_the_chunk_is_discarded()
    {
        var data = RandomBytes(8192);
        var location = await _client.CreateAsync(data.Length);
        await _client.PatchAsync(location, 0, data[..4096]);
        var request = Patch(location, 4096, new ByteArrayContent(data[4096..]));
        request.Headers.Add("Upload-Checksum", $"sha256 {Convert.ToBase64String(SHA256.HashData(data[..10]))}");

        using var response = await _client.SendAsync(request);

        Assert.Equal(460, (int)response.StatusCode);
        Assert.Equal(4096, await _client.OffsetAsync(location));
        Assert.Equal(data[..4096], await fixture.StoredBytesAsync(IdOf(location)));
    }

    [Fact]
    public async Task A_rejected_chunk_that_filled_blocks_or_parts_leaves_the_offset_and_the_upload_resumes_whole()
    {
        // The rejected chunk starts mid-block (after a short first chunk) and runs over more than one
        // block or part, so storage has to go back to an offset inside what it already sent.
        var head = 100_000;
        var data = RandomBytes(head + 2 * fixture.CommitUnit + (1 << 20));
        var location = await _client.CreateAsync(data.Length);
        await _client.PatchAsync(location, 0, data[..head]);
        var request = Patch(location, head, new ByteArrayContent(RandomBytes(data.Length - head)));
        request.Headers.Add("Upload-Checksum", $"sha256 {Convert.ToBase64String(SHA256.HashData(data[head..]))}");

        using var rejected = await _client.SendAsync(request);
        var offset = await _client.OffsetAsync(location);
        using var resumed = await _client.PatchAsync(location, head, data[head..]);

        Assert.Equal((460, head), ((int)rejected.StatusCode, offset));
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        var status = await _client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        Assert.Equal(data, await _client.GetByteArrayAsync(location + "/content"));
    }

    [Theory]
    [InlineData("crc32 AAAA")]
    [InlineData("sha256")]
    [InlineData("sha256 ***")]
    public async Task Patch_with_an_unknown_or_malformed_checksum_is_400(string header)
    {
        var location = await _client.CreateAsync(10);
        var request = Patch(location, 0, new ByteArrayContent(RandomBytes(10)));
        request.Headers.TryAddWithoutValidation("Upload-Checksum", header);

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await _client.OffsetAsync(location));
    }

    [Fact]
    public async Task Patch_to_an_unknown_upload_is_404()
    {
        using var unknown = await _client.PatchAsync("/api/uploads/0123456789abcdef0123456789abcdef", 0, RandomBytes(10));
        using var traversal = await _client.PatchAsync("/api/uploads/..%2F..%2Fetc%2Fpasswd", 0, RandomBytes(10));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, traversal.StatusCode);
    }

    [Fact]
    public async Task Patch_after_completion_is_403_and_the_file_is_unchanged()
    {
        var data = RandomBytes(100);
        var location = await _client.CreateAsync(data.Length);
        await _client.PatchAsync(location, 0, data);

        using var response = await _client.PatchAsync(location, 100, RandomBytes(10));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(data, await _client.GetByteArrayAsync(location + "/content"));
    }

    private static byte[] Digest(string algorithm, byte[] data) => algorithm switch
    {
        "sha1" => SHA1.HashData(data),
        "md5" => MD5.HashData(data),
        _ => SHA256.HashData(data),
    };
}

[Collection(ServiceCollection.Name)]
public sealed class PatchTestsOnFiles(ServiceFixture fixture) : PatchTests(fixture);

[Collection(AzureServiceCollection.Name)]
public sealed class PatchTestsOnAzure(AzureServiceFixture fixture) : PatchTests(fixture);

[Collection(S3ServiceCollection.Name)]
public sealed class PatchTestsOnS3(S3ServiceFixture fixture) : PatchTests(fixture);
