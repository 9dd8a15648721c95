using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Page;

/// <summary>
/// The page behind a round-robin proxy over two API instances (one silo, one upload folder), with no
/// sticky sessions. The instance that holds the page's live connection is killed mid-upload: the page
/// reconnects through the proxy to the other one, watches again and sees the upload complete.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProxiedPageTests(BrowserFixture fixture) : IAsyncLifetime, IDisposable
{
    private const float Patience = 60_000;
    private static readonly Regex SomeBytes = new("^[1-9][0-9]*$");
    private readonly string _folder = Directory.CreateTempSubdirectory("page-proxied-").FullName;
    private SiloProcess? _silo;
    private UploadService[] _apis = [];
    private RoundRobinProxy? _proxy;

    public async Task InitializeAsync()
    {
        _silo = await SiloProcess.StartAsync();
        _apis = await Task.WhenAll(UploadService.StartClientAsync(_silo), UploadService.StartClientAsync(_silo));
        _proxy = await RoundRobinProxy.StartAsync([.. _apis.Select(api => api.BaseAddress)]);
    }

    [Fact]
    public async Task The_page_survives_the_death_of_the_instance_it_watches_through()
    {
        var data = RandomBytes(24 << 20);
        var file = Path.Combine(_folder, "proxied.bin");
        await File.WriteAllBytesAsync(file, data);
        var page = await fixture.OpenAsync(at: _proxy!.BaseAddress);
        await PageNetwork.ThrottleUploadsAsync(page, bytesPerSecond: 4 << 20);
        await page.Locator("#file-input").SetInputFilesAsync(file);
        var card = page.Locator("li.card", new() { HasText = "proxied.bin" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-bytes-received", SomeBytes, new() { Timeout = Patience });

        var watchedThrough = await Eventually.UntilAsync(WatchingInstanceAsync, api => api is not null, TimeSpan.FromSeconds(20), "the instance holding the page's watch");
        await watchedThrough!.KillAsync();

        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        var survivor = _apis.Single(api => api != watchedThrough);
        using var client = survivor.CreateClient();
        var status = await client.StatusAsync($"/api/uploads/{await card.GetAttributeAsync("data-upload-id")}");
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
        // The card can show the PATCH's answer before the page's live connection has re-watched through the survivor.
        await Eventually.UntilAsync(() => RelaySubscriptionsAsync(survivor), count => count > 0, TimeSpan.FromSeconds(20), "the page to watch through the surviving instance");
    }

    public async Task DisposeAsync()
    {
        IAsyncDisposable?[] processes = [_proxy, .. _apis, _silo];
        foreach (var process in processes)
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The instance whose relay holds a subscription, that is, the one the page's live connection reached.</summary>
    private async Task<UploadService?> WatchingInstanceAsync()
    {
        foreach (var api in _apis)
        {
            if (await RelaySubscriptionsAsync(api) > 0)
            {
                return api;
            }
        }

        return null;
    }

    private static async Task<int> RelaySubscriptionsAsync(UploadService api)
    {
        using var client = api.CreateClient();
        return (await client.GetFromJsonAsync<JsonElement>("/api/diagnostics")).GetProperty("relaySubscriptions").GetInt32();
    }
}
