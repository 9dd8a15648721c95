using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Page;

/// <summary>The page while its live connection is away: cancel still works, and watching catches up once it is back.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HubOutageTests(BrowserFixture fixture) : IDisposable
{
    private const float Patience = 30_000;
    private static readonly Regex SomeBytes = new("^[1-9][0-9]*$");
    private readonly string _folder = Directory.CreateTempSubdirectory("page-outage-").FullName;
    private readonly HttpClient _client = fixture.Service.CreateClient();
    private readonly HubLine _hub = new();

    [Fact]
    public async Task Cancel_while_the_hub_is_away_cancels_through_the_rest_api()
    {
        var page = await fixture.OpenAsync(prepare: _hub.RouteAsync);
        await PageNetwork.ThrottleUploadsAsync(page, bytesPerSecond: 2 << 20);
        await page.Locator("#file-input").SetInputFilesAsync(WriteFile("offline-cancel.bin", 32 << 20));
        var card = page.Locator("li.card", new() { HasText = "offline-cancel.bin" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-bytes-received", SomeBytes, new() { Timeout = Patience });

        await _hub.CutAsync(page);
        await card.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "cancelled", new() { Timeout = Patience });
        Assert.Equal("cancelled", (await _client.StatusAsync($"/api/uploads/{await card.GetAttributeAsync("data-upload-id")}")).State);
    }

    [Fact]
    public async Task An_upload_started_while_the_hub_is_away_is_watched_once_it_is_back()
    {
        var page = await fixture.OpenAsync(prepare: _hub.RouteAsync);
        await _hub.CutAsync(page);
        await page.Locator("#file-input").SetInputFilesAsync(WriteFile("offline-start.bin", 1 << 20));
        var card = page.Locator("li.card", new() { HasText = "offline-start.bin" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-upload-id", new Regex("^[0-9a-f]{32}$"), new() { Timeout = Patience });
        var id = (await card.GetAttributeAsync("data-upload-id"))!;
        await Eventually.UntilAsync(() => _client.StatusAsync($"/api/uploads/{id}"), s => s.State == "completed", TimeSpan.FromSeconds(30), "the upload to complete over HTTP");

        await _hub.RestoreAsync(page);

        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
    }

    [Fact]
    public async Task Dismissing_a_finished_card_removes_it_and_stops_watching_it()
    {
        var page = await fixture.OpenAsync();
        await page.Locator("#file-input").SetInputFilesAsync(WriteFile("dismissed.bin", 1 << 10));
        var card = page.Locator("li.card", new() { HasText = "dismissed.bin" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        var watchedBefore = await RelaySubscriptionsAsync();

        await card.GetByRole(AriaRole.Button, new() { Name = "Dismiss" }).ClickAsync();

        await Assertions.Expect(card).ToHaveCountAsync(0);
        await Eventually.UntilAsync(RelaySubscriptionsAsync, count => count < watchedBefore, TimeSpan.FromSeconds(20), "the dismissed upload to be unwatched");
    }

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<int> RelaySubscriptionsAsync() =>
        (await _client.GetFromJsonAsync<JsonElement>("/api/diagnostics")).GetProperty("relaySubscriptions").GetInt32();

    private string WriteFile(string name, int size)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, RandomBytes(size));
        return path;
    }

    /// <summary>The page's line to the hub, which a test can cut (its socket closes, new ones are refused) and restore.</summary>
    private sealed class HubLine
    {
        private readonly List<IWebSocketRoute> _sockets = [];
        private bool _cut;

        public async Task RouteAsync(IBrowserContext context)
        {
            await context.RouteWebSocketAsync(new Regex("/hubs/uploads"), async socket =>
            {
                if (_cut)
                {
                    await socket.CloseAsync();
                    return;
                }

                lock (_sockets)
                {
                    _sockets.Add(socket);
                }

                socket.ConnectToServer();
            });
        }

        public async Task CutAsync(IPage page)
        {
            _cut = true;
            IWebSocketRoute[] open;
            lock (_sockets)
            {
                open = [.. _sockets];
            }

            foreach (var socket in open)
            {
                await socket.CloseAsync();
            }

            await page.Locator("#connection:not([data-state=connected])").WaitForAsync(new() { Timeout = Patience });
        }

        public async Task RestoreAsync(IPage page)
        {
            _cut = false;
            await page.Locator("#connection[data-state=connected]").WaitForAsync(new() { Timeout = Patience });
        }
    }
}
