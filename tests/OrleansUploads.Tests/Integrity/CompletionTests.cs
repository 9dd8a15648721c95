using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>An upload whose bytes are all stored completes exactly once, whatever path got it there.</summary>
[Collection(ServiceCollection.Name)]
public sealed class CompletionTests(ServiceFixture fixture)
{
    private const string Sha256OfNothing = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task A_body_that_delivers_every_byte_and_then_drops_completes_the_upload_once()
    {
        var data = RandomBytes(200_000);
        var location = await _client.CreateAsync(data.Length);
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(location));

        await using (await ChunkedPatch.StartAsync(fixture.Service.BaseAddress, location, 0, data))
        {
            await watcher.NextAsync("UploadProgress", IdOf(location), Patience, s => s.BytesReceived == data.Length);
        }

        var completed = await watcher.NextAsync("UploadCompleted", IdOf(location), Patience);
        Assert.Equal((data.Length, Sha256(data)), (completed.BytesReceived, completed.Sha256));
        Assert.Equal(("completed", Sha256(data)), ((await _client.StatusAsync(location)).State, (await _client.StatusAsync(location)).Sha256));
        Assert.Single(watcher.Events(IdOf(location)), e => e.Event == "UploadCompleted");
        Assert.Equal(data, await File.ReadAllBytesAsync(fixture.Service.StoredFile(IdOf(location))));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(3_000_000)]
    public async Task A_body_whose_client_closes_as_soon_as_it_has_sent_it_completes_the_upload(int length)
    {
        var data = RandomBytes(length);
        var location = await _client.CreateAsync(data.Length);

        await SentAndClosed.SendAsync(fixture.Service.BaseAddress, "PATCH", location, [("Upload-Offset", "0")], data);

        var status = await Eventually.UntilAsync(() => _client.StatusAsync(location), s => s.State is "completed" or "paused", Patience, "the upload to settle");
        Assert.Equal(("completed", (long)data.Length, Sha256(data)), (status.State, status.BytesReceived, status.Sha256));
        Assert.Equal(data, await File.ReadAllBytesAsync(fixture.Service.StoredFile(IdOf(location))));
    }

    [Fact]
    public async Task A_takeover_that_lands_after_the_last_byte_completes_the_upload_once()
    {
        var data = RandomBytes(200_000);
        var location = await _client.CreateAsync(data.Length);
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(location));
        await using var first = await ChunkedPatch.StartAsync(fixture.Service.BaseAddress, location, 0, data);
        await watcher.NextAsync("UploadProgress", IdOf(location), Patience, s => s.BytesReceived == data.Length);

        // A resuming client that did not see the offset move sends again from where it last knew.
        using var second = await _client.PatchAsync(location, 0, data);

        var completed = await watcher.NextAsync("UploadCompleted", IdOf(location), Patience);
        Assert.Equal((data.Length, Sha256(data)), (completed.BytesReceived, completed.Sha256));
        Assert.Equal(data.Length, await _client.OffsetAsync(location));
        Assert.Single(watcher.Events(IdOf(location)), e => e.Event == "UploadCompleted");
        Assert.Equal(data, await File.ReadAllBytesAsync(fixture.Service.StoredFile(IdOf(location))));
    }

    [Fact]
    public async Task An_empty_upload_completes_at_creation_with_the_digest_of_nothing()
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "0");
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        var status = await _client.StatusAsync(location);
        Assert.Equal(("completed", 0L, Sha256OfNothing), (status.State, status.BytesReceived, status.Sha256));
        Assert.Empty(await File.ReadAllBytesAsync(fixture.Service.StoredFile(IdOf(location))));
        Assert.Empty(await _client.GetByteArrayAsync(location + "/content"));
    }
}
