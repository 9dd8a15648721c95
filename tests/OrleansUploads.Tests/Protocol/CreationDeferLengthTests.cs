using System.Net;
using System.Net.Http.Headers;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Protocol;

/// <summary>tus <c>creation-defer-length</c>: each requirement of the extension, in its own words, is one test.</summary>
[Collection(ServiceCollection.Name)]
public sealed class CreationDeferLengthTests(ServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task A_server_that_supports_deferring_the_length_lists_creation_defer_length_in_Tus_Extension()
    {
        using var response = await _client.SendAsync(Tus(HttpMethod.Options, "/api/uploads"));

        Assert.Contains("creation-defer-length", response.Headers.GetValues("Tus-Extension").Single().Split(','));
    }

    [Fact]
    public async Task A_creation_with_Upload_Defer_Length_1_instead_of_Upload_Length_is_accepted()
    {
        using var response = await CreateDeferredAsync("1");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("2")]
    [InlineData("yes")]
    public async Task Upload_Defer_Length_with_any_value_but_1_is_refused_with_400(string value)
    {
        using var response = await CreateDeferredAsync(value);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_creation_with_neither_Upload_Length_nor_Upload_Defer_Length_is_refused_with_400()
    {
        using var response = await _client.SendAsync(Tus(HttpMethod.Post, "/api/uploads"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_creation_with_both_Upload_Length_and_Upload_Defer_Length_is_refused_with_400()
    {
        using var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "10");
        request.Headers.Add("Upload-Defer-Length", "1");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task While_the_length_is_not_known_every_HEAD_answer_carries_Upload_Defer_Length_1_and_no_Upload_Length()
    {
        var location = await CreatedDeferredAsync();
        using (await _client.PatchAsync(location, 0, RandomBytes(100)))
        {
        }

        using var head = await _client.SendAsync(Tus(HttpMethod.Head, location));

        Assert.Equal("1", head.Headers.GetValues("Upload-Defer-Length").Single());
        Assert.False(head.Headers.Contains("Upload-Length"));
        Assert.Equal("100", head.Headers.GetValues("Upload-Offset").Single());
    }

    [Fact]
    public async Task The_length_sent_with_a_later_PATCH_becomes_the_uploads_length_and_it_completes_there()
    {
        var data = RandomBytes(3000);
        var location = await CreatedDeferredAsync();
        using (await _client.PatchAsync(location, 0, data[..1000]))
        {
        }

        using var last = await _client.SendAsync(WithLength(Patch(location, 1000, new ByteArrayContent(data[1000..])), 3000));

        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        using var head = await _client.SendAsync(Tus(HttpMethod.Head, location));
        Assert.Equal(("3000", false), (head.Headers.GetValues("Upload-Length").Single(), head.Headers.Contains("Upload-Defer-Length")));
        var status = await _client.StatusAsync(location);
        Assert.Equal(("completed", 3000L, Sha256(data)), (status.State, status.TotalBytes!.Value, status.Sha256));
    }

    [Fact]
    public async Task Once_set_the_length_cannot_change_and_a_PATCH_that_tries_changes_nothing()
    {
        var location = await CreatedDeferredAsync();
        using (await _client.SendAsync(WithLength(Patch(location, 0, new ByteArrayContent(RandomBytes(10))), 500)))
        {
        }

        using var changed = await _client.SendAsync(WithLength(Patch(location, 10, new ByteArrayContent(RandomBytes(10))), 600));

        Assert.Equal(HttpStatusCode.BadRequest, changed.StatusCode);
        var status = await _client.StatusAsync(location);
        Assert.Equal((500L, 10L), (status.TotalBytes!.Value, status.BytesReceived));
    }

    [Fact]
    public async Task A_length_below_the_bytes_already_stored_is_refused_with_400()
    {
        var location = await CreatedDeferredAsync();
        using (await _client.PatchAsync(location, 0, RandomBytes(100)))
        {
        }

        using var tooShort = await _client.SendAsync(WithLength(Patch(location, 100, new ByteArrayContent(RandomBytes(1))), 50));

        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Null((await _client.StatusAsync(location)).TotalBytes);
    }

    [Fact]
    public async Task While_the_length_is_not_known_the_status_and_the_events_show_the_bytes_received_with_no_eta()
    {
        var location = await CreatedDeferredAsync();
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(location));

        using (await _client.PatchAsync(location, 0, RandomBytes(2000)))
        {
        }

        var seen = await watcher.NextAsync("UploadProgress", IdOf(location), Patience, s => s.BytesReceived == 2000);
        var status = await _client.StatusAsync(location);
        Assert.Equal((2000L, (long?)null, (double?)null, (double?)null), (status.BytesReceived, status.TotalBytes, status.Percentage, status.EtaSeconds));
        Assert.Equal(((long?)null, (double?)null), (seen.TotalBytes, seen.EtaSeconds));
    }

    [Fact]
    public async Task A_PATCH_at_the_wrong_offset_is_409_and_its_length_is_not_taken()
    {
        var location = await CreatedDeferredAsync();
        using (await _client.PatchAsync(location, 0, RandomBytes(100)))
        {
        }

        using var wrong = await _client.SendAsync(WithLength(Patch(location, 50, new ByteArrayContent(RandomBytes(10))), 200));
        using var right = await _client.SendAsync(WithLength(Patch(location, 100, new ByteArrayContent(RandomBytes(10))), 110));

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.NoContent), (wrong.StatusCode, right.StatusCode));
        var status = await _client.StatusAsync(location);
        Assert.Equal(("completed", 110L, 110L), (status.State, status.TotalBytes!.Value, status.BytesReceived));
    }

    private async Task<HttpResponseMessage> CreateDeferredAsync(string value)
    {
        using var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Defer-Length", value);
        return await _client.SendAsync(request);
    }

    private async Task<string> CreatedDeferredAsync()
    {
        using var response = await CreateDeferredAsync("1");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private static HttpRequestMessage WithLength(HttpRequestMessage patch, long length)
    {
        patch.Headers.Add("Upload-Length", length.ToString());
        return patch;
    }
}
