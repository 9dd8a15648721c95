using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>
/// The upload bytes' folder is not there (a volume not mounted, a wrong data path): nothing may be
/// concluded from it, and nothing is deleted.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class MissingStoreTests(ServiceFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task A_missing_store_answers_503_and_the_upload_resumes_once_it_is_back()
    {
        var data = RandomBytes(4000);
        var location = await _client.CreateAsync(data.Length);
        await _client.PatchAsync(location, 0, data[..1000]);
        var files = Path.Combine(fixture.Service.DataPath, "files");

        HttpResponseMessage unavailable;
        Directory.Move(files, files + ".unmounted");
        try
        {
            unavailable = await _client.PatchAsync(location, 1000, data[1000..]);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
            Assert.NotEmpty(unavailable.Headers.RetryAfter!.ToString());
            Assert.Equal(("paused", 1000L), ((await _client.StatusAsync(location)).State, (await _client.StatusAsync(location)).BytesReceived));
        }
        finally
        {
            Directory.Move(files + ".unmounted", files);
        }

        using var resumed = await _client.PatchAsync(location, 1000, data[1000..]);
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        Assert.Equal(("completed", Sha256(data)), ((await _client.StatusAsync(location)).State, (await _client.StatusAsync(location)).Sha256));
    }
}
