using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

[Collection(ServiceCollection.Name)]
public sealed class DeleteTests(ServiceFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task Delete_of_a_completed_upload_deletes_the_file_and_the_upload_says_deleted()
    {
        var data = RandomBytes(1000);
        var location = await _client.CreateAsync(data.Length);
        await _client.PatchAsync(location, 0, data);
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(location));

        using var deleted = await _client.DeleteAsync(location);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var status = await _client.StatusAsync(location);
        Assert.Equal(("deleted", Sha256(data)), (status.State, status.Sha256));
        Assert.False(File.Exists(fixture.Service.StoredFile(IdOf(location))));
        using var content = await _client.GetAsync(location + "/content");
        Assert.Equal(HttpStatusCode.Gone, content.StatusCode);
        using var head = await _client.SendAsync(Tus(HttpMethod.Head, location));
        Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        Assert.Equal("deleted", (await watcher.NextAsync("UploadDeleted", IdOf(location), TimeSpan.FromSeconds(10))).State);
    }
}
