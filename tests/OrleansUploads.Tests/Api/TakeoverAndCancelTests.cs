using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <summary>Single writer without 423, and cancel that stops a transfer in flight.</summary>
/// <remarks>Runs once for each store: see the classes at the end.</remarks>
public abstract class TakeoverAndCancelTests(StoreServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task A_second_patch_takes_the_lease_over_and_the_first_stops_keeping_what_it_stored()
    {
        // A megabyte, or one whole part where the store commits no less.
        var committed = Math.Max(1 << 20, fixture.CommitUnit);
        var data = RandomBytes(committed + (3 << 20));
        var location = await _client.CreateAsync(data.Length);
        await using var first = await StalledPatch.StartAsync(fixture.Service.BaseAddress, location, 0, data.Length, data.AsMemory(0, committed));
        await Eventually.UntilAsync(() => _client.StatusAsync(location), s => s.BytesReceived == committed, Patience, "the first bytes to be committed");

        // The first request is still attached (its body is held open), yet the second is not told "locked".
        using var second = await _client.PatchAsync(location, committed, data[committed..]);
        var firstStatus = await first.StatusCodeAsync(Patience);

        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal(409, firstStatus);
        var status = await _client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        Assert.Equal(data, await fixture.StoredBytesAsync(IdOf(location)));
    }

    [Fact]
    public async Task Delete_stops_the_patch_in_flight_deletes_the_data_and_leaves_a_cancelled_tombstone()
    {
        var stalled = Math.Max(1 << 20, fixture.CommitUnit + 1);
        var data = RandomBytes(stalled + (3 << 20));
        var location = await _client.CreateAsync(data.Length);
        await using var patch = await StalledPatch.StartAsync(fixture.Service.BaseAddress, location, 0, data.Length, data.AsMemory(0, stalled));
        await Eventually.UntilAsync(() => _client.StatusAsync(location), s => s.BytesReceived > 0, Patience, "bytes to be committed");

        using var delete = await _client.SendAsync(Tus(HttpMethod.Delete, location));
        var patchStatus = await patch.StatusCodeAsync(Patience);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(410, patchStatus);
        Assert.Null(await fixture.StoredBytesAsync(IdOf(location)));
        Assert.Equal("cancelled", (await _client.StatusAsync(location)).State);
        using var head = await _client.SendAsync(Tus(HttpMethod.Head, location));
        using var later = await _client.PatchAsync(location, 0, data[..10]);
        Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, later.StatusCode);
        Assert.True(await fixture.HoldsNothingAsync(IdOf(location)));
    }

    [Fact]
    public async Task Delete_of_an_idle_upload_cancels_it_and_of_an_unknown_one_is_404()
    {
        var location = await _client.CreateAsync(10);
        await _client.PatchAsync(location, 0, RandomBytes(5));

        using var plainDelete = await _client.DeleteAsync(location);
        using var unknown = await _client.SendAsync(Tus(HttpMethod.Delete, "/api/uploads/0123456789abcdef0123456789abcdef"));

        Assert.Equal(HttpStatusCode.NoContent, plainDelete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("cancelled", (await _client.StatusAsync(location)).State);
        Assert.True(await fixture.HoldsNothingAsync(IdOf(location)));
    }

    [Fact]
    public async Task Lost_stored_bytes_fail_the_upload_instead_of_resuming_over_a_hole()
    {
        var location = await _client.CreateAsync(100);
        await _client.PatchAsync(location, 0, RandomBytes(50));
        await fixture.LoseStoredBytesAsync(IdOf(location));

        using var response = await _client.PatchAsync(location, 50, RandomBytes(50));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        var status = await _client.StatusAsync(location);
        Assert.Equal("failed", status.State);
        Assert.Contains("lost", status.Error);
    }
}

[Collection(ServiceCollection.Name)]
public sealed class TakeoverAndCancelTestsOnFiles(ServiceFixture fixture) : TakeoverAndCancelTests(fixture);

[Collection(AzureServiceCollection.Name)]
public sealed class TakeoverAndCancelTestsOnAzure(AzureServiceFixture fixture) : TakeoverAndCancelTests(fixture);

[Collection(S3ServiceCollection.Name)]
public sealed class TakeoverAndCancelTestsOnS3(S3ServiceFixture fixture) : TakeoverAndCancelTests(fixture);
