using OrleansUploads.Abstractions;

namespace OrleansUploads.Tests.Grains;

[Collection(GrainClusterCollection.Name)]
public sealed class CatalogTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Slots_of_uploads_that_ended_or_were_lost_are_given_back()
    {
        var catalog = fixture.Client.GetGrain<IUploadCatalogGrain>("quota:" + Guid.NewGuid().ToString("N"));
        var ended = fixture.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));
        await ended.CreateAsync(new UploadCreation(0, null, null, null, "owner"));
        // One upload the catalog was never told had ended, one whose grain state is gone.
        Assert.True(await catalog.TryAddAsync(ended.GetPrimaryKeyString(), 2));
        Assert.True(await catalog.TryAddAsync(Guid.NewGuid().ToString("N"), 2));

        Assert.True(await catalog.TryAddAsync(Guid.NewGuid().ToString("N"), 2));
        Assert.Single(await catalog.GetPageAsync(null, 10));
    }

    [Fact]
    public async Task Uploads_admitted_at_the_same_time_never_exceed_the_limit_and_all_are_stored()
    {
        var key = "quota:" + Guid.NewGuid().ToString("N");
        var catalog = fixture.Client.GetGrain<IUploadCatalogGrain>(key);
        var ids = Enumerable.Range(0, 200).Select(_ => Guid.CreateVersion7().ToString("N")).ToArray();

        // Each id names no upload, so a full catalog reconciles them all away while others are admitted.
        var admitted = await Task.WhenAll(ids.Select(id => catalog.TryAddAsync(id, 50)));

        Assert.InRange(admitted.Count(a => a), 50, 200);
        var listed = await catalog.GetPageAsync(null, 1000);
        Assert.InRange(listed.Count, 1, 50);
        Assert.Equal(listed.Order(StringComparer.Ordinal), listed);

        // Every change was stored: a new activation reads the same list.
        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal(listed, await catalog.GetPageAsync(null, 1000));
    }
}
