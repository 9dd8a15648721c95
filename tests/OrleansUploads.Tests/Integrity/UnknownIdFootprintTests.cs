using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>
/// Asking the real service about ids that name no upload (well-formed ones, which reach a grain)
/// answers 404 and leaves nothing behind: no grain state or any other file written to its data
/// folder (where the embedded grain storage keeps grain state), no grain in memory.
/// </summary>
public sealed class UnknownIdFootprintTests
{
    private const int Asked = 200;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Requests_about_unknown_ids_write_no_grain_state()
    {
        await using var service = await UploadService.StartAsync("--Limits:RequestsPerWindow=1000000");
        using var client = service.CreateClient();
        var before = await UploadGrainsInMemoryAsync(client);
        var activated = await UploadActivationsAsync(client);
        var stored = DataFiles(service);

        var answers = new List<HttpStatusCode>();
        foreach (var id in Enumerable.Range(0, Asked).Select(_ => Guid.NewGuid().ToString("N")))
        {
            var location = $"/api/uploads/{id}";
            using var status = await client.GetAsync(location);
            using var head = await client.SendAsync(Tus(HttpMethod.Head, location));
            using var patch = await client.PatchAsync(location, 0, RandomBytes(100));
            using var delete = await client.SendAsync(Tus(HttpMethod.Delete, location));
            answers.AddRange([status.StatusCode, head.StatusCode, patch.StatusCode, delete.StatusCode]);
        }

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.NotFound, answer));
        await EachReachedAGrainAsync(client, activated);
        // A grain could still write as it leaves memory: look at the folder once they have all left.
        await Eventually.UntilAsync(() => UploadGrainsInMemoryAsync(client), count => count <= before, Patience, "the unknown ids' grains to leave memory");
        Assert.Equal(stored, DataFiles(service));

        // An upload that does exist writes its state there (a shelf file appears or changes): the folder watched above is the right one.
        await client.CreateAsync(10);
        Assert.Contains(DataFiles(service).Except(stored), file => file.Key.StartsWith(Path.Combine(service.DataPath, "grains"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hub_watches_of_unknown_ids_leave_no_grain_in_memory()
    {
        await using var service = await UploadService.StartAsync("--Limits:RequestsPerWindow=1000000");
        using var client = service.CreateClient();
        var before = await UploadGrainsInMemoryAsync(client);
        var activated = await UploadActivationsAsync(client);
        var stored = DataFiles(service);
        await using var watcher = await Watcher.ConnectAsync(service.BaseAddress);

        foreach (var id in Enumerable.Range(0, Asked).Select(_ => Guid.NewGuid().ToString("N")))
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => watcher.WatchAsync(id));
            Assert.Contains("No upload", refused.Message);
        }

        await EachReachedAGrainAsync(client, activated);

        await Eventually.UntilAsync(() => UploadGrainsInMemoryAsync(client), count => count <= before, Patience, "the unknown ids' grains to leave memory");
        Assert.Equal(stored, DataFiles(service));
    }

    /// <summary>
    /// Every file in the service's data folder (grain state under <c>grains</c>, upload bytes under
    /// <c>files</c>), with its length and when it was last written.
    /// </summary>
    private static Dictionary<string, (long Length, DateTime Written)> DataFiles(UploadService service) =>
        new DirectoryInfo(service.DataPath).EnumerateFiles("*", SearchOption.AllDirectories).ToDictionary(f => f.FullName, f => (f.Length, f.LastWriteTimeUtc));

    /// <summary>Well-formed ids are asked of their grain: without that, finding none in memory afterwards would say nothing.</summary>
    private static Task EachReachedAGrainAsync(HttpClient client, long activatedBefore) =>
        Eventually.UntilAsync(() => UploadActivationsAsync(client), count => count >= activatedBefore + Asked, Patience, "the unknown ids to reach their grains");

    /// <summary>Upload grains activated since the service started, as Orleans counts them in the Prometheus scrape.</summary>
    private static async Task<long> UploadActivationsAsync(HttpClient client) =>
        (await client.GetStringAsync("/metrics")).Split('\n')
            .Where(line => line.StartsWith("orleans_catalog_activation_created_total{", StringComparison.Ordinal) && line.Contains("grain_type=\"upload\""))
            .Select(line => long.Parse(line[(line.LastIndexOf(' ') + 1)..])).SingleOrDefault();

    private static async Task<int> UploadGrainsInMemoryAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<Diagnostics>("/api/diagnostics", Json))!.UploadGrainsInMemory;

    private sealed record Diagnostics(int UploadGrainsInMemory);
}
