using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>S3 allows 10,000 parts in an upload: they must go to the bytes, not to the requests that carried them.</summary>
public sealed class S3PartNumberTests
{
    [Fact]
    public async Task Many_small_requests_cost_no_part_numbers_and_the_upload_completes_whole()
    {
        await using var store = await StoreUnderTest.StartAsync(StoreUnderTest.S3);
        await using var service = await UploadService.StartAsync(store.Settings);
        using var client = service.CreateClient();
        var chunk = 256 << 10;
        var data = RandomBytes(store.CommitUnit * 2 + chunk / 2);
        var location = await client.CreateAsync(data.Length);

        for (var offset = 0; offset < data.Length; offset += chunk)
        {
            using var patch = await client.PatchAsync(location, offset, data[offset..Math.Min(data.Length, offset + chunk)]);
            Assert.True(patch.IsSuccessStatusCode, $"PATCH at {offset}: {patch.StatusCode}");
        }

        // Each request ended cleanly, so no writer could have a part on its way when the next one began.
        var manifest = (await store.S3ManifestAsync(IdOf(location)))!.Value;
        var numbers = manifest.GetProperty("parts").EnumerateArray().Select(part => part.GetProperty("number").GetInt32()).ToArray();
        Assert.Equal([1, 2], numbers);
        Assert.Equal(3, manifest.GetProperty("nextPart").GetInt32());
        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        Assert.Equal(data, await client.GetByteArrayAsync(location + "/content"));
    }

    [Fact]
    public async Task Parts_too_small_for_the_largest_upload_stop_the_service_at_start_up_with_a_message_saying_so()
    {
        await using var store = await StoreUnderTest.StartAsync(StoreUnderTest.S3);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            UploadService.StartAsync([.. store.Settings, "--Uploads:MaxSizeBytes=68719476736"]));

        Assert.Contains("raise the part size", failure.Message);
    }
}
