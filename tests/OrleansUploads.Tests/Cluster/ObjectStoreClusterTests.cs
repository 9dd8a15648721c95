using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Cluster;

/// <summary>A cluster whose API instances share no disk: the upload bytes live in an object store (Azurite, or an S3 emulator).</summary>
public sealed class ObjectStoreClusterTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("object-store-files-").FullName;

    [Theory]
    [MemberData(nameof(StoreUnderTest.ObjectStores), MemberType = typeof(StoreUnderTest))]
    public async Task An_upload_begun_on_one_instance_finishes_on_another_with_no_shared_disk_after_the_first_is_killed(string kind)
    {
        await using var store = await StoreUnderTest.StartAsync(kind);
        await using var cluster = await UploadCluster.StartAsync(silos: 1, apis: 2, store.Settings);
        var (first, second) = (cluster.Apis[0], cluster.Apis[1]);
        Assert.NotEqual(first.DataPath, second.DataPath);
        var data = RandomBytes(24 << 20);
        var path = Path.Combine(_folder, "no-shared-disk.bin");
        await File.WriteAllBytesAsync(path, data);
        var endpoints = string.Join(',', new[] { first, second }.Select(api => new Uri(api.BaseAddress, "/api/uploads").ToString()));
        using var node = NodeScript.Start("tus-cluster.mjs", endpoints, path, (1 << 20).ToString(), "100");
        var id = IdOf((await node.EventAsync("created", Patience)).GetProperty("url").GetString()!);
        await node.LineAsync(line => line.GetProperty("event").GetString() == "chunk" && line.GetProperty("sent").GetInt64() >= 6 << 20, Patience);

        await first.KillAsync();
        var outcome = await node.FinishAsync(Patience);

        Assert.Equal(("done", 1), (outcome.GetProperty("event").GetString(), outcome.GetProperty("endpoint").GetInt32()));
        using var client = second.CreateClient();
        var status = await client.StatusAsync($"/api/uploads/{id}");
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        Assert.Equal(data, await client.GetByteArrayAsync($"/api/uploads/{id}/content"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
