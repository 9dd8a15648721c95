using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansUploads.Cluster;
using OrleansUploads.Grains;

namespace OrleansUploads.Tests.Cluster;

/// <summary>The embedded grain storage: states written in place or replaced whole, versions as ETags, and files from before versions.</summary>
public sealed class FileGrainStorageTests : IDisposable
{
    private static readonly GrainId Grain = GrainId.Create("catalog", "owner");
    private readonly string _folder = DataFolder.New("grain-files");
    private readonly IGrainStorageSerializer _serializer =
        new OrleansGrainStorageSerializer(new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(UploadCatalogState).Assembly)).BuildServiceProvider().GetRequiredService<Serializer>());

    [Theory]
    [InlineData(3)]
    [InlineData(5_000)]
    public async Task A_state_reads_back_as_written_after_a_longer_one_whether_written_in_place_or_replaced(int ids)
    {
        var storage = new FileGrainStorage(_folder, _serializer);
        var state = new GrainState<UploadCatalogState>(new UploadCatalogState { Active = [.. Enumerable.Range(0, 6_000).Select(i => $"long-{i}")] });
        await storage.WriteStateAsync("catalog", Grain, state);
        state.State = new UploadCatalogState { Active = [.. Enumerable.Range(0, ids).Select(i => $"id-{i}")] };
        await storage.WriteStateAsync("catalog", Grain, state);

        var read = new GrainState<UploadCatalogState>();
        await new FileGrainStorage(_folder, _serializer).ReadStateAsync("catalog", Grain, read);

        Assert.Equal(state.State.Active, read.State!.Active);
        Assert.Equal(("2", true), (read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task A_write_from_a_stale_version_is_refused_and_changes_nothing()
    {
        var storage = new FileGrainStorage(_folder, _serializer);
        var current = new GrainState<UploadCatalogState>(new UploadCatalogState { Active = ["a"] });
        await storage.WriteStateAsync("catalog", Grain, current);
        var stale = new GrainState<UploadCatalogState>(new UploadCatalogState { Active = ["b"] }) { ETag = current.ETag };
        await storage.WriteStateAsync("catalog", Grain, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("catalog", Grain, stale));

        var read = new GrainState<UploadCatalogState>();
        await storage.ReadStateAsync("catalog", Grain, read);
        Assert.Equal(["a"], read.State!.Active);
    }

    [Fact]
    public async Task A_file_written_before_versions_is_read_and_then_written_over()
    {
        var storage = new FileGrainStorage(_folder, _serializer);
        await storage.WriteStateAsync("catalog", Grain, new GrainState<UploadCatalogState>(new UploadCatalogState()));
        var path = Directory.GetFiles(_folder).Single();
        File.WriteAllBytes(path, _serializer.Serialize(new UploadCatalogState { Active = ["old"] }).ToArray());

        var read = new GrainState<UploadCatalogState>();
        await storage.ReadStateAsync("catalog", Grain, read);
        read.State!.Active.Add("new");
        await storage.WriteStateAsync("catalog", Grain, read);
        var again = new GrainState<UploadCatalogState>();
        await storage.ReadStateAsync("catalog", Grain, again);

        Assert.Equal(["new", "old"], again.State!.Active.Order());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
