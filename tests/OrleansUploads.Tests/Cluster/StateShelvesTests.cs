using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansUploads.Cluster;
using OrleansUploads.Grains;

namespace OrleansUploads.Tests.Cluster;

/// <summary>
/// The embedded grain storage keeps states that fit in a page on shared shelves, not in a file per
/// grain: what it writes reads back after a restart, states move between a shelf and files of their
/// own as they grow and shrink, a move cut short by a kill leaves the newer version to be read, and
/// pages of cleared grains are used again.
/// </summary>
public sealed class StateShelvesTests : IDisposable
{
    private readonly string _folder = DataFolder.New("grain-shelves");
    private readonly IGrainStorageSerializer _serializer =
        new OrleansGrainStorageSerializer(new ServiceCollection().AddSerializer(s => s.AddAssembly(typeof(UploadCatalogState).Assembly)).BuildServiceProvider().GetRequiredService<Serializer>());

    [Fact]
    public async Task Small_states_of_many_grains_share_a_few_shelves_and_read_back_after_a_restart()
    {
        var storage = new FileGrainStorage(_folder, _serializer);
        var grains = Enumerable.Range(0, 2_000).Select(i => GrainId.Create("upload", $"upload-{i}")).ToArray();
        // Written at once from many threads, three times each, as uploads' grains do.
        await Parallel.ForEachAsync(grains, async (grain, _) =>
        {
            var state = new GrainState<UploadCatalogState>(Catalog(1, grain.ToString()));
            for (var write = 0; write < 3; write++)
            {
                state.State = Catalog(write + 1, grain.ToString());
                await storage.WriteStateAsync("catalog", grain, state);
            }
        });

        Assert.Empty(OwnFiles());
        // One page per grain: none lost to a race, none taken twice.
        Assert.Equal(grains.Length * 4096L, ShelvesSize());
        var restarted = new FileGrainStorage(_folder, _serializer);
        // Read at once too, so that shelves are loaded by many threads for the first time together.
        await Parallel.ForEachAsync(grains, async (grain, _) => AssertStored(await ReadAsync(restarted, grain), Catalog(3, grain.ToString()).Active, "3"));
    }

    [Fact]
    public async Task A_state_that_outgrows_its_page_moves_into_files_of_its_own_and_back_onto_a_shelf()
    {
        var storage = new FileGrainStorage(_folder, _serializer);
        var grain = GrainId.Create("catalog", "owner");
        var state = new GrainState<UploadCatalogState>(Catalog(3, "small"));
        await storage.WriteStateAsync("catalog", grain, state);

        state.State = Catalog(5_000, "large");
        await storage.WriteStateAsync("catalog", grain, state);
        Assert.NotEmpty(OwnFiles());
        var large = await ReadAsync(new FileGrainStorage(_folder, _serializer), grain);
        AssertStored(large, state.State.Active, "2");

        state.State = Catalog(3, "small again");
        await storage.WriteStateAsync("catalog", grain, state);
        Assert.Empty(OwnFiles());
        var small = await ReadAsync(new FileGrainStorage(_folder, _serializer), grain);
        AssertStored(small, state.State.Active, "3");
    }

    [Fact]
    public async Task A_move_onto_a_shelf_cut_before_the_files_went_leaves_the_page_to_be_read_and_the_next_write_removes_the_files()
    {
        var grain = GrainId.Create("catalog", "owner");
        var storage = new FileGrainStorage(_folder, _serializer);
        await storage.WriteStateAsync("catalog", grain, new GrainState<UploadCatalogState>(Catalog(5_000, "large")));
        var read = await ReadAsync(storage, grain);
        read.State = Catalog(3, "small");
        await CutShortAsync(OwnFiles(), () => storage.WriteStateAsync("catalog", grain, read));

        var (restarted, after) = await RestartedAtNewerAsync(grain, read.State.Active);
        after.State!.Active.Add("next");
        await restarted.WriteStateAsync("catalog", grain, after);
        Assert.Empty(OwnFiles());
        Assert.Equal("3", (await ReadAsync(new FileGrainStorage(_folder, _serializer), grain)).ETag);
    }

    [Fact]
    public async Task A_move_into_files_cut_before_the_page_was_freed_leaves_the_files_to_be_read_and_the_next_write_goes_on_from_them()
    {
        var grain = GrainId.Create("catalog", "owner");
        var storage = new FileGrainStorage(_folder, _serializer);
        var state = new GrainState<UploadCatalogState>(Catalog(3, "small"));
        await storage.WriteStateAsync("catalog", grain, state);
        state.State = Catalog(5_000, "large");
        await CutShortAsync(Directory.GetFiles(GrainStorageFolder.Shelves(_folder)), () => storage.WriteStateAsync("catalog", grain, state));

        var (restarted, after) = await RestartedAtNewerAsync(grain, state.State.Active);
        after.State = Catalog(2, "small again");
        await restarted.WriteStateAsync("catalog", grain, after);
        var last = await ReadAsync(new FileGrainStorage(_folder, _serializer), grain);
        AssertStored(last, after.State.Active, "3");
        Assert.Empty(OwnFiles());
    }

    [Fact]
    public async Task A_move_onto_a_shelf_whose_old_files_cannot_be_deleted_is_stored_and_the_next_write_deletes_them()
    {
        var grain = GrainId.Create("catalog", "owner");
        var storage = new FileGrainStorage(_folder, _serializer);
        await storage.WriteStateAsync("catalog", grain, new GrainState<UploadCatalogState>(Catalog(5_000, "large")));
        var subfolder = Path.GetDirectoryName(OwnFiles().First())!;
        var read = await ReadAsync(storage, grain);
        read.State = Catalog(3, "small");

        // An immutable folder refuses to lose its files, as a failing disk may.
        await ImmutableAsync(subfolder, true);
        try
        {
            await storage.WriteStateAsync("catalog", grain, read);
            Assert.NotEmpty(OwnFiles());
            AssertStored(await ReadAsync(new FileGrainStorage(_folder, _serializer), grain), read.State.Active, "2");
        }
        finally
        {
            await ImmutableAsync(subfolder, false);
        }

        read.State.Active.Add("next");
        await storage.WriteStateAsync("catalog", grain, read);
        Assert.Empty(OwnFiles());
        AssertStored(await ReadAsync(new FileGrainStorage(_folder, _serializer), grain), read.State.Active, "3");
    }

    [Fact]
    public async Task A_move_into_files_whose_old_page_cannot_be_freed_is_stored_and_the_next_write_goes_on_from_the_files()
    {
        var grain = GrainId.Create("catalog", "owner");
        var storage = new FileGrainStorage(_folder, _serializer);
        var state = new GrainState<UploadCatalogState>(Catalog(3, "small"));
        await storage.WriteStateAsync("catalog", grain, state);
        var shelf = Directory.GetFiles(GrainStorageFolder.Shelves(_folder)).Single();
        state.State = Catalog(5_000, "large");

        // An immutable shelf refuses to have the old page freed, as a failing disk may.
        await ImmutableAsync(shelf, true);
        try
        {
            await storage.WriteStateAsync("catalog", grain, state);
        }
        finally
        {
            await ImmutableAsync(shelf, false);
        }

        AssertStored(await ReadAsync(new FileGrainStorage(_folder, _serializer), grain), state.State.Active, "2");

        state.State = Catalog(2, "small again");
        await storage.WriteStateAsync("catalog", grain, state);
        Assert.Empty(OwnFiles());
        AssertStored(await ReadAsync(new FileGrainStorage(_folder, _serializer), grain), state.State.Active, "3");
    }

    [Fact]
    public async Task Pages_of_cleared_grains_are_used_again_and_read_as_no_state_after_a_restart()
    {
        var storage = new FileGrainStorage(_folder, _serializer);
        var grains = Enumerable.Range(0, 300).Select(i => GrainId.Create("upload", $"cleared-{i}")).ToArray();
        foreach (var grain in grains)
        {
            await storage.WriteStateAsync("catalog", grain, new GrainState<UploadCatalogState>(Catalog(2, grain.ToString())));
        }

        var size = ShelvesSize();
        foreach (var grain in grains)
        {
            var read = await ReadAsync(storage, grain);
            await storage.ClearStateAsync("catalog", grain, read);
        }

        var restarted = new FileGrainStorage(_folder, _serializer);
        foreach (var grain in grains)
        {
            var read = await ReadAsync(restarted, grain);
            Assert.Equal((false, null), (read.RecordExists, read.ETag));
            read.State = Catalog(1, "again");
            await restarted.WriteStateAsync("catalog", grain, read);
        }

        Assert.Equal(size, ShelvesSize());
    }

    [Fact]
    public async Task Of_two_pages_found_for_one_grain_the_newer_is_read_and_the_older_freed()
    {
        var storage = new FileGrainStorage(_folder, _serializer);
        var grain = GrainId.Create("catalog", "owner");
        var state = new GrainState<UploadCatalogState>(Catalog(2, "older"));
        await storage.WriteStateAsync("catalog", grain, state);
        var shelf = Directory.GetFiles(GrainStorageFolder.Shelves(_folder)).Single();
        var older = File.ReadAllBytes(shelf);
        state.State = Catalog(2, "newer");
        await storage.WriteStateAsync("catalog", grain, state);
        // A copy of the older page after the newer one, as no write of the storage leaves it.
        File.WriteAllBytes(shelf, [.. File.ReadAllBytes(shelf), .. older]);

        var restarted = new FileGrainStorage(_folder, _serializer);
        var read = await ReadAsync(restarted, grain);
        AssertStored(read, state.State.Active, "2");
        Assert.All(File.ReadAllBytes(shelf)[4096..(4096 + 48)], b => Assert.Equal(0, b));
        read.State = Catalog(2, "after");
        await restarted.WriteStateAsync("catalog", grain, read);
        AssertStored(await ReadAsync(new FileGrainStorage(_folder, _serializer), grain), read.State.Active, "3");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_small_state_in_a_file_of_its_own_from_before_shelves_is_read_and_goes_onto_a_shelf_when_written(bool flat)
    {
        var grain = GrainId.Create("catalog", "owner");
        var storage = new FileGrainStorage(_folder, _serializer);
        await storage.WriteStateAsync("catalog", grain, new GrainState<UploadCatalogState>(Catalog(5_000, "large")));
        // As a version before shelves left a small state: a header and the state in the grain's own file.
        var path = OwnFiles().Single(path => !path.EndsWith(".large", StringComparison.Ordinal));
        File.Delete(path + ".large");
        var state = _serializer.Serialize(Catalog(3, "before")).ToArray();
        File.WriteAllBytes(path, [.. "OUG1"u8, .. BitConverter.GetBytes(7L), .. BitConverter.GetBytes(state.Length), .. state]);
        if (flat)
        {
            File.Move(path, Path.Combine(_folder, Path.GetFileName(Path.GetDirectoryName(path)) + Path.GetFileName(path)));
        }

        var restarted = new FileGrainStorage(_folder, _serializer);
        var read = await ReadAsync(restarted, grain);
        AssertStored(read, Catalog(3, "before").Active, "7");
        read.State!.Active.Add("after");
        await restarted.WriteStateAsync("catalog", grain, read);
        Assert.Empty(OwnFiles());
        var again = await ReadAsync(new FileGrainStorage(_folder, _serializer), grain);
        AssertStored(again, read.State.Active, "8");
    }

    /// <summary>Runs a move, then puts the old place's files back as they were: what a kill between the move's two steps leaves.</summary>
    private static async Task CutShortAsync(string[] oldPlace, Func<Task> move)
    {
        var before = oldPlace.ToDictionary(path => path, File.ReadAllBytes);
        await move();
        foreach (var (path, bytes) in before)
        {
            File.WriteAllBytes(path, bytes);
        }
    }

    /// <summary>After a restart, version 2 of a move cut short is read, and anything from version 1 is refused.</summary>
    private async Task<(FileGrainStorage Storage, GrainState<UploadCatalogState> Read)> RestartedAtNewerAsync(GrainId grain, IEnumerable<string> active)
    {
        var restarted = new FileGrainStorage(_folder, _serializer);
        var read = await ReadAsync(restarted, grain);
        AssertStored(read, active, "2");
        await AssertRefusedAsync(restarted, grain, staleETag: "1");
        return (restarted, read);
    }

    /// <summary>A write and a clear from a grain that read an older version are refused, whichever place holds the newer.</summary>
    private static async Task AssertRefusedAsync(FileGrainStorage storage, GrainId grain, string staleETag)
    {
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("catalog", grain, new GrainState<UploadCatalogState>(Catalog(1, "stale")) { ETag = staleETag }));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("catalog", grain, new GrainState<UploadCatalogState>(Catalog(5_000, "stale")) { ETag = staleETag }));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("catalog", grain, new GrainState<UploadCatalogState>(Catalog(1, "stale")) { ETag = staleETag }));
    }

    private static async Task ImmutableAsync(string path, bool immutable)
    {
        using var chattr = System.Diagnostics.Process.Start("chattr", [immutable ? "+i" : "-i", path])!;
        await chattr.WaitForExitAsync();
        Assert.Equal(0, chattr.ExitCode);
    }

    private static void AssertStored(GrainState<UploadCatalogState> read, IEnumerable<string> active, string etag)
    {
        Assert.Equal(active.Order(), read.State!.Active.Order());
        Assert.Equal((etag, true), (read.ETag, read.RecordExists));
    }

    private static async Task<GrainState<UploadCatalogState>> ReadAsync(FileGrainStorage storage, GrainId grain)
    {
        var read = new GrainState<UploadCatalogState>();
        await storage.ReadStateAsync("catalog", grain, read);
        return read;
    }

    private string[] OwnFiles() => GrainStorageFolder.OwnFiles(_folder);

    private long ShelvesSize() => GrainStorageFolder.ShelvesSize(_folder);

    private static UploadCatalogState Catalog(int ids, string prefix) => new() { Active = [.. Enumerable.Range(0, ids).Select(i => $"{prefix}-{i:D28}")] };

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
