using System.Net;
using OrleansUploads.Tests.Infrastructure;

namespace OrleansUploads.Tests.Cluster;

/// <summary>/healthz says the process lives; /readyz says it can take uploads, and stops saying so when what it needs goes away.</summary>
public sealed class HealthTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ready_follows_the_store_going_away_and_coming_back_while_alive_stays_true()
    {
        await using var store = await StoreUnderTest.StartAsync(StoreUnderTest.Azure, persistent: true);
        await using var service = await UploadService.StartAsync(store.Settings);
        using var client = service.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(client, "/readyz"));

        await store.StopAsync();
        await Eventually.UntilAsync(() => StatusOfAsync(client, "/readyz"), status => status == HttpStatusCode.ServiceUnavailable, Patience, "not ready without the store");
        Assert.Contains("store: Unhealthy", await BodyOfAsync(client, "/readyz"));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(client, "/healthz"));

        await store.RestartAsync();
        await Eventually.UntilAsync(() => StatusOfAsync(client, "/readyz"), status => status == HttpStatusCode.OK, Patience, "ready again");
    }

    [Fact]
    public async Task An_api_in_a_redis_cluster_is_not_ready_once_redis_stops()
    {
        await using var cluster = await UploadCluster.StartAsync(silos: 1, apis: 1);
        using var client = cluster.Apis[0].CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(client, "/readyz"));

        await cluster.Redis.DisposeAsync();

        await Eventually.UntilAsync(() => StatusOfAsync(client, "/readyz"), status => status == HttpStatusCode.ServiceUnavailable, Patience, "not ready without Redis");
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(client, "/healthz"));
    }

    private static async Task<string> BodyOfAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpStatusCode> StatusOfAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }
}
