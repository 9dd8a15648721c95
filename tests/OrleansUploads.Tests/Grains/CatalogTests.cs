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
        Assert.Single(await catalog.GetActiveAsync());
    }
}
