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

        // The operator hears of it: the warning names the upload and what was kept.
        await Eventually.UntilAsync(() => Task.FromResult(StorageFailureLogged(IdOf(location))), logged => logged is not null, TimeSpan.FromSeconds(20),
            "the storage failure to be logged");
        Assert.Contains("kept 1000 bytes", StorageFailureLogged(IdOf(location)));

        // Nothing was deleted or cut while the folder was away: the stored bytes are the committed ones, and the offset stands.
        Assert.Equal(data[..1000], await File.ReadAllBytesAsync(fixture.Service.StoredFile(IdOf(location))));
        Assert.Equal(1000, await _client.OffsetAsync(location));
        using var resumed = await _client.PatchAsync(location, 1000, data[1000..]);
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        Assert.Equal(("completed", Sha256(data)), ((await _client.StatusAsync(location)).State, (await _client.StatusAsync(location)).Sha256));
    }

    /// <summary>The service's log line about this upload's storage failure (each line comes after a 13-character time), or null.</summary>
    private string? StorageFailureLogged(string uploadId) => fixture.Service.Output.Split('\n')
        .Select(line => line.Length > 13 ? line[13..].Trim() : "")
        .FirstOrDefault(line => line.StartsWith($"Storage failed for upload {uploadId};", StringComparison.Ordinal));
}
