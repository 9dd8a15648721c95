using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <summary>Bodies are streamed to storage: the service's memory does not grow with the upload.</summary>
[Collection(ServiceCollection.Name)]
public sealed class StreamingMemoryTests(ServiceFixture fixture)
{
    private const long UploadSize = 768L << 20;
    private const long AllowedGrowth = 96L << 20;

    [Fact]
    public async Task Resident_memory_stays_flat_while_a_large_upload_streams_through()
    {
        using var client = fixture.CreateClient();
        var location = await client.CreateAsync(UploadSize);
        var baseline = ResidentBytes();
        var peak = baseline;
        using var body = new PatternStream(UploadSize);

        var upload = client.PatchAsync(location, 0, new StreamContent(body, 1 << 16));
        using (var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(25)))
        {
            while (!upload.IsCompleted && await pace.WaitForNextTickAsync())
            {
                peak = Math.Max(peak, ResidentBytes());
            }
        }

        using var response = await upload;
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(body.Sha256, (await client.StatusAsync(location)).Sha256);
        Assert.True(peak - baseline < AllowedGrowth, $"Resident memory grew by {(peak - baseline) >> 20} MiB during a {UploadSize >> 20} MiB upload.");
        File.Delete(fixture.Service.StoredFile(IdOf(location)));
    }

    private long ResidentBytes() => fixture.Service.ResidentBytes;
}
