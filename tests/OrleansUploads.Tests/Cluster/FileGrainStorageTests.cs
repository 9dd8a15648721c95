using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansUploads.Cluster;
using OrleansUploads.Grains;

namespace OrleansUploads.Tests.Cluster;

/// <summary>The embedded grain storage's files of a grain's own: large states in two slots, versions as ETags, and files from before versions.</summary>
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

        var read = await ReadBackAsync();

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
        await storage.WriteStateAsync("catalog", Grain, new GrainState<UploadCatalogState>(Catalog(5_000, "large")));
        // As a version before headers left it: the bare state in the grain's own file.
        var path = OwnFiles().Single(path => !path.EndsWith(".large", StringComparison.Ordinal));
        File.Delete(path + ".large");
        File.WriteAllBytes(path, _serializer.Serialize(new UploadCatalogState { Active = ["old"] }).ToArray());

        var read = new GrainState<UploadCatalogState>();
        await storage.ReadStateAsync("catalog", Grain, read);
        read.State!.Active.Add("new");
        await storage.WriteStateAsync("catalog", Grain, read);
        var again = new GrainState<UploadCatalogState>();
        await storage.ReadStateAsync("catalog", Grain, again);

        Assert.Equal(["new", "old"], again.State!.Active.Order());
    }

    [Fact]
    public async Task A_large_state_is_written_over_in_its_two_slots_without_a_new_file_per_write()
    {
        var storage = new FileGrainStorage(_folder, _serializer);
        var state = new GrainState<UploadCatalogState>(Catalog(5_000, "first"));
        await storage.WriteStateAsync("catalog", Grain, state);
        await storage.WriteStateAsync("catalog", Grain, state);
        var files = await InodesAsync();

        for (var write = 0; write < 4; write++)
        {
            state.State = Catalog(5_000 - write, $"write-{write}");
            await storage.WriteStateAsync("catalog", Grain, state);
            Assert.Equal(files, await InodesAsync());
        }

        Assert.Equal(2, files.Count);
        var read = await ReadBackAsync();
        Assert.Equal(state.State!.Active, read.State!.Active);
        Assert.Equal("6", read.ETag);
    }

    [Fact]
    public async Task A_large_write_cut_short_leaves_the_version_before_it_to_be_read()
    {
        var storage = new FileGrainStorage(_folder, _serializer);
        var state = new GrainState<UploadCatalogState>(Catalog(5_000, "older"));
        await storage.WriteStateAsync("catalog", Grain, state);
        state.State = Catalog(5_000, "newest");
        await storage.WriteStateAsync("catalog", Grain, state);

        // The next write goes into the slot holding the older version; cut it before its header is written.
        var older = OwnFiles().Single(path => File.ReadAllText(path).Contains("older-"));
        await using (var slot = new FileStream(older, FileMode.Open, FileAccess.Write))
        {
            slot.Position = 100;
            slot.Write(new byte[20_000]);
        }

        var read = await ReadBackAsync();
        Assert.Equal(state.State!.Active, read.State!.Active);
        Assert.Equal("2", read.ETag);

        read.State.Active.Add("after");
        await storage.WriteStateAsync("catalog", Grain, read);
        var again = await ReadBackAsync();
        Assert.Equal(read.State!.Active, again.State!.Active);
        Assert.Equal("3", again.ETag);
    }

    [Fact]
    public async Task A_first_large_write_cut_before_its_header_leaves_no_state_and_the_grain_can_write_again()
    {
        var storage = new FileGrainStorage(_folder, _serializer);
        await storage.WriteStateAsync("catalog", Grain, new GrainState<UploadCatalogState>(Catalog(5_000, "first")));
        var large = OwnFiles().Single(path => new FileInfo(path).Length > 0);
        // What a kill between the state and its header leaves: the grain's file empty, the large slot headless.
        File.WriteAllBytes(OwnFiles().Single(path => path != large), []);
        await using (var slot = new FileStream(large, FileMode.Open, FileAccess.Write))
        {
            slot.Write(new byte[16]);
        }

        var read = new GrainState<UploadCatalogState>();
        await storage.ReadStateAsync("catalog", Grain, read);
        Assert.Equal((false, null), (read.RecordExists, read.ETag));

        read.State = Catalog(5_000, "again");
        await storage.WriteStateAsync("catalog", Grain, read);
        var again = await ReadBackAsync();
        Assert.Equal(read.State.Active, again.State!.Active);
    }

    [Fact]
    public async Task Large_states_live_in_subfolders_and_one_stored_flat_before_them_is_moved_into_its_own_when_read()
    {
        var storage = new FileGrainStorage(_folder, _serializer);
        var state = new GrainState<UploadCatalogState>(Catalog(5_000, "stored"));
        await storage.WriteStateAsync("catalog", Grain, state);
        await storage.WriteStateAsync("catalog", Grain, state);
        var subfolder = Directory.GetDirectories(_folder).Single(folder => folder != GrainStorageFolder.Shelves(_folder));
        var inSubfolder = Directory.GetFiles(subfolder).Order().ToArray();
        Assert.Equal(2, Path.GetFileName(subfolder).Length);
        Assert.Empty(Directory.GetFiles(_folder));

        // As a version before subfolders left them: in the folder itself, named by the whole digest.
        foreach (var path in inSubfolder)
        {
            File.Move(path, Path.Combine(_folder, Path.GetFileName(subfolder) + Path.GetFileName(path)));
        }

        var read = await ReadBackAsync();
        Assert.Equal(state.State!.Active, read.State!.Active);
        Assert.Equal("2", read.ETag);
        Assert.Equal(inSubfolder, Directory.GetFiles(subfolder).Order());
        Assert.Empty(Directory.GetFiles(_folder));
        read.State.Active.Add("after");
        await storage.WriteStateAsync("catalog", Grain, read);
        var again = await ReadBackAsync();
        Assert.Equal(read.State.Active, again.State!.Active);
        Assert.Equal("3", again.ETag);
    }

    /// <summary>The stored state as a storage that starts afresh (a new process) reads it.</summary>
    private async Task<GrainState<UploadCatalogState>> ReadBackAsync()
    {
        var read = new GrainState<UploadCatalogState>();
        await new FileGrainStorage(_folder, _serializer).ReadStateAsync("catalog", Grain, read);
        return read;
    }

    private string[] OwnFiles() => GrainStorageFolder.OwnFiles(_folder);

    private static UploadCatalogState Catalog(int ids, string prefix) => new() { Active = [.. Enumerable.Range(0, ids).Select(i => $"{prefix}-{i:D28}")] };

    /// <summary>Each file of the folder with its inode: a file replaced by a new one gets a new inode.</summary>
    private async Task<Dictionary<string, string>> InodesAsync()
    {
        var inodes = new Dictionary<string, string>();
        foreach (var path in OwnFiles())
        {
            using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
            inodes[Path.GetFileName(path)] = (await stat.StandardOutput.ReadToEndAsync()).Trim();
            await stat.WaitForExitAsync();
        }

        return inodes;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
