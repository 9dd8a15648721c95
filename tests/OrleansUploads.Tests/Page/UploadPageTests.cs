using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansUploads.Tests.Access;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Page;

/// <summary>The page at / in a real Chromium against the real service.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UploadPageTests(BrowserFixture fixture) : IDisposable
{
    private const float Patience = 30_000;

    /// <summary>The server has confirmed at least one byte.</summary>
    private static readonly Regex SomeBytes = new("^[1-9][0-9]*$");
    private readonly string _folder = Directory.CreateTempSubdirectory("page-files-").FullName;
    private readonly HttpClient _client = fixture.Service.CreateClient();

    [Fact]
    public async Task Three_files_selected_at_once_all_reach_completed_and_agree_with_the_server()
    {
        var files = new[] { 1 << 20, 3 << 20, 5 << 20 }.Select((size, index) => WriteFile($"file {index} <img src=x onerror=alert(1)>.bin", size)).ToArray();
        var page = await fixture.OpenAsync();

        await page.Locator("#file-input").SetInputFilesAsync(files.Select(f => f.Path));

        foreach (var file in files)
        {
            var card = page.Locator("li.card", new() { HasText = Path.GetFileName(file.Path) });
            await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
            Assert.Equal(Path.GetFileName(file.Path), await card.Locator(".file-name").TextContentAsync());
            Assert.Equal("100", await card.Locator(".bar").GetAttributeAsync("aria-valuenow"));
            var id = (await card.GetAttributeAsync("data-upload-id"))!;
            var status = await _client.StatusAsync($"/api/uploads/{id}");
            Assert.Equal(("completed", file.Data.Length, Sha256(file.Data)), (status.State, (int)status.BytesReceived, status.Sha256));
            Assert.Equal(status.BytesReceived.ToString(), await card.GetAttributeAsync("data-bytes-received"));
            Assert.Equal(file.Data, await File.ReadAllBytesAsync(fixture.Service.StoredFile(id)));
        }

        Assert.Equal(0, await page.Locator("li.card img").CountAsync());
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "three-files.png"), FullPage = true });
    }

    [Fact]
    public async Task A_file_that_fails_processing_shows_failed_with_its_stage_and_the_servers_reason()
    {
        var file = WriteFile("holiday.png", 200_000);
        var page = await fixture.OpenAsync();

        await page.Locator("#file-input").SetInputFilesAsync(file.Path);

        var card = page.Locator("li.card", new() { HasText = "holiday.png" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = Patience });
        await Assertions.Expect(card.Locator(".state-badge")).ToHaveTextAsync("failed · content-type");
        await Assertions.Expect(card.Locator(".error")).ToContainTextAsync("The file is not image/png");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "processing-failed.png") });
    }

    [Fact]
    public async Task Cancel_during_a_large_upload_shows_cancelled_and_the_data_is_gone()
    {
        var file = WriteFile("large.bin", 64 << 20);
        var page = await fixture.OpenAsync();
        await PageNetwork.ThrottleUploadsAsync(page, bytesPerSecond: 4 << 20);

        await page.Locator("#file-input").SetInputFilesAsync(file.Path);
        var card = page.Locator("li.card", new() { HasText = "large.bin" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "uploading", new() { Timeout = Patience });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-bytes-received", SomeBytes, new() { Timeout = Patience });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "uploading.png") });
        await card.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "cancelled", new() { Timeout = Patience });
        var id = (await card.GetAttributeAsync("data-upload-id"))!;
        Assert.Equal("cancelled", (await _client.StatusAsync($"/api/uploads/{id}")).State);
        // The grain announces the cancel first; the API deletes the bytes once the writer has let go.
        await Eventually.UntilAsync(() => Task.FromResult(File.Exists(fixture.Service.StoredFile(id))), exists => !exists,
            TimeSpan.FromSeconds(10), "the cancelled upload's bytes to be deleted");
        Assert.True(await card.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).IsHiddenAsync());
    }

    [Fact]
    public async Task A_page_watching_by_id_follows_an_upload_sent_by_another_client_to_the_end()
    {
        var data = RandomBytes(2 << 20);
        var location = await _client.CreateAsync(data.Length, $"filename {Convert.ToBase64String("from-curl.iso"u8.ToArray())}");
        var id = IdOf(location);
        var page = await fixture.OpenAsync($"/?watch={id}");
        var card = page.Locator($"li.card[data-upload-id='{id}']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "created", new() { Timeout = Patience });
        await Assertions.Expect(card.Locator(".file-name")).ToHaveTextAsync("from-curl.iso");

        await using (var first = await StalledPatch.StartAsync(fixture.Service.BaseAddress, location, 0, 1 << 20, data.AsMemory(0, 1 << 20)))
        {
            Assert.Equal(204, await first.StatusCodeAsync(TimeSpan.FromSeconds(20)));
        }

        await Assertions.Expect(card).ToHaveAttributeAsync("data-bytes-received", (1 << 20).ToString(), new() { Timeout = Patience });
        await Assertions.Expect(card.Locator(".percentage")).ToHaveTextAsync("50.0%");
        using var rest = await _client.PatchAsync(location, 1 << 20, data[(1 << 20)..]);

        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        await Assertions.Expect(card.Locator(".bar")).ToHaveAttributeAsync("aria-valuenow", "100");

        var unknown = await fixture.OpenAsync();
        await unknown.Locator("#watch-id").FillAsync("0123456789abcdef0123456789abcdef");
        await unknown.Locator("#watch-id").PressAsync("Enter");
        await Assertions.Expect(unknown.Locator("#watch-error")).ToContainTextAsync("No upload has the id");
    }

    [Fact]
    public async Task A_reload_mid_upload_resumes_from_the_servers_offset_and_finishes_byte_identical()
    {
        var (file, page, card) = await StartThrottledUploadAsync("resumable.bin", 24 << 20);
        var id = (await card.GetAttributeAsync("data-upload-id"))!;

        await page.ReloadAsync();
        await page.Locator("#connection[data-state=connected]").WaitForAsync();
        var paused = await Eventually.UntilAsync(() => _client.StatusAsync($"/api/uploads/{id}"), s => s.State == "paused", TimeSpan.FromSeconds(20), "the server to see the page leave");
        Assert.InRange(paused.BytesReceived, 1, file.Data.Length - 1);
        await Assertions.Expect(page.Locator("#resumable-list")).ToContainTextAsync("resumable.bin", new() { Timeout = Patience });
        await page.Locator("#file-input").SetInputFilesAsync(file.Path);

        var resumed = page.Locator($"li.card[data-upload-id='{id}']");
        await Assertions.Expect(resumed).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        var status = await _client.StatusAsync($"/api/uploads/{id}");
        Assert.Equal(Sha256(file.Data), status.Sha256);
        Assert.Equal(file.Data, await File.ReadAllBytesAsync(fixture.Service.StoredFile(id)));
    }

    [Fact]
    public async Task Pause_and_resume_continue_from_the_servers_offset()
    {
        var (file, page, card) = await StartThrottledUploadAsync("pausable.bin", 16 << 20);

        await card.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "paused", new() { Timeout = Patience });
        var id = (await card.GetAttributeAsync("data-upload-id"))!;
        var paused = await _client.StatusAsync($"/api/uploads/{id}");
        Assert.Equal("paused", paused.State);
        Assert.InRange(paused.BytesReceived, 1, file.Data.Length - 1);
        await card.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();

        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        Assert.Equal(file.Data, await File.ReadAllBytesAsync(fixture.Service.StoredFile(id)));
    }

    [Fact]
    public async Task A_body_the_server_cuts_for_arriving_too_slowly_resumes_by_itself()
    {
        await using var strict = await UploadService.StartAsync("--Limits:MinBodyBytesPerSecond=2000000", "--Limits:MinBodyGracePeriod=00:00:01.5");
        var file = WriteFile("slow.bin", 6 << 20);
        var page = await fixture.OpenAsync(service: strict);
        var cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.Response += (_, response) =>
        {
            if (response.Request.Method == "PATCH")
            {
                // Cut for slowness (the browser sees the 408, or retries on its own and meets 409).
                if (response.Status is 408 or 409)
                {
                    cut.TrySetResult();
                }

                if (response.Status == 204)
                {
                    finished.TrySetResult();
                }
            }
        };
        var liftThrottle = await PageNetwork.ThrottleUploadsAsync(page, bytesPerSecond: 1 << 20);

        await page.Locator("#file-input").SetInputFilesAsync(file.Path);

        // Once cut, the network recovers, so the rest depends on the page's own retry rather than on the machine's speed.
        await cut.Task.WaitAsync(TimeSpan.FromMilliseconds(Patience));
        await liftThrottle();
        var card = page.Locator("li.card", new() { HasText = "slow.bin" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        // The hub's completion can come before the last PATCH's answer reaches the page.
        await finished.Task.WaitAsync(TimeSpan.FromMilliseconds(Patience));
        var id = (await card.GetAttributeAsync("data-upload-id"))!;
        Assert.Equal(file.Data, await File.ReadAllBytesAsync(strict.StoredFile(id)));
    }

    [Fact]
    public async Task A_408_is_retried_from_the_servers_offset_not_shown_as_an_error()
    {
        var file = WriteFile("retried.bin", 1 << 20);
        var page = await fixture.OpenAsync();
        var cut = 0;
        // The answer the service gives a body it cut for slowness, on the first PATCH only.
        await page.RouteAsync("**/api/uploads/*", async route =>
        {
            if (route.Request.Method == "PATCH" && Interlocked.Exchange(ref cut, 1) == 0)
            {
                await route.FulfillAsync(new() { Status = 408, Headers = new Dictionary<string, string> { ["Tus-Resumable"] = "1.0.0", ["Upload-Offset"] = "0" } });
                return;
            }

            await route.ContinueAsync();
        });

        await page.Locator("#file-input").SetInputFilesAsync(file.Path);

        var card = page.Locator("li.card", new() { HasText = "retried.bin" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        Assert.Equal(1, cut);
        var id = (await card.GetAttributeAsync("data-upload-id"))!;
        Assert.Equal(file.Data, await File.ReadAllBytesAsync(fixture.Service.StoredFile(id)));
    }

    [Fact]
    public async Task With_authentication_on_the_page_sends_the_token_its_embedding_app_gives_it()
    {
        await using var secured = await AccessFixture.StartServiceAsync();
        var file = WriteFile("owned.bin", 1 << 20);
        var token = AccessFixture.Token("page-user");
        var page = await fixture.OpenAsync(service: secured, embedding: $"window.orleansUploads = {{ accessToken: '{token}' }};");

        await page.Locator("#file-input").SetInputFilesAsync(file.Path);

        var card = page.Locator("li.card", new() { HasText = "owned.bin" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        var id = (await card.GetAttributeAsync("data-upload-id"))!;
        using var owner = AccessFixture.ClientFor(secured, token);
        using var stranger = AccessFixture.ClientFor(secured, AccessFixture.Token("someone-else"));
        Assert.Equal("completed", (await owner.StatusAsync($"/api/uploads/{id}")).State);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/uploads/{id}")).StatusCode);

        // The other way to hand it over, and the hub takes it too: a page watching by id.
        var watching = await fixture.OpenAsync($"/?watch={id}", secured, $"sessionStorage.setItem('orleans-uploads-token', '{token}');");
        await Assertions.Expect(watching.Locator($"li.card[data-upload-id='{id}']")).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
    }

    [Fact]
    public async Task When_the_server_is_unreachable_the_error_is_in_words_and_retry_resumes_the_same_upload()
    {
        var (file, page, card) = await StartThrottledUploadAsync("unreachable.bin", 16 << 20);
        var id = (await card.GetAttributeAsync("data-upload-id"))!;

        await fixture.Service.KillAsync();

        // tus-js-client's retries run out first (about 10 s).
        await Assertions.Expect(card.Locator(".error")).ToHaveTextAsync("The server cannot be reached. Check the connection, then retry.", new() { Timeout = Patience });
        await fixture.Service.RestartAsync();
        var committed = (await _client.StatusAsync($"/api/uploads/{id}")).BytesReceived;
        var resumedAt = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "PATCH")
            {
                resumedAt.Enqueue(request.Headers["upload-offset"]);
            }
        };
        await card.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        Assert.InRange(committed, 1, file.Data.Length - 1);
        Assert.Equal(committed.ToString(), resumedAt.First());
        Assert.Equal(id, await card.GetAttributeAsync("data-upload-id"));
        Assert.Equal(file.Data, await File.ReadAllBytesAsync(fixture.Service.StoredFile(id)));
    }

    [Fact]
    public async Task A_file_too_large_gets_an_error_in_words_and_a_retry()
    {
        var path = Path.Combine(_folder, "huge.iso");
        using (var sparse = File.Create(path))
        {
            sparse.SetLength(BrowserFixture.MaxSizeBytes + 1);
        }

        var page = await fixture.OpenAsync();
        await page.Locator("#file-input").SetInputFilesAsync(path);

        var card = page.Locator("li.card", new() { HasText = "huge.iso" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "error", new() { Timeout = Patience });
        await Assertions.Expect(card.Locator(".error")).ToHaveTextAsync("This file is larger than the server accepts.");
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Retry" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_active_list_follows_the_server_without_a_reload()
    {
        var page = await fixture.OpenAsync();
        var location = await _client.CreateAsync(10, $"filename {Convert.ToBase64String("listed.txt"u8.ToArray())}");
        var entry = page.Locator($"#active-list li[data-upload-id='{IdOf(location)}']");

        await Assertions.Expect(entry).ToContainTextAsync("listed.txt", new() { Timeout = Patience });
        await _client.PatchAsync(location, 0, RandomBytes(10));
        await Assertions.Expect(entry).ToHaveCountAsync(0, new() { Timeout = Patience });
    }

    [Fact]
    public async Task The_connection_indicator_shows_a_lost_server_and_watching_resumes_after_it_returns()
    {
        var data = RandomBytes(1000);
        var location = await _client.CreateAsync(data.Length);
        var id = IdOf(location);
        var page = await fixture.OpenAsync($"/?watch={id}");
        var card = page.Locator($"li.card[data-upload-id='{id}']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "created", new() { Timeout = Patience });

        await fixture.Service.KillAsync();
        await Assertions.Expect(page.Locator("#connection")).Not.ToHaveAttributeAsync("data-state", "connected", new() { Timeout = Patience });
        await fixture.Service.RestartAsync();
        await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "connected", new() { Timeout = Patience });
        using var patch = await _client.PatchAsync(location, 0, data);

        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
    }

    [Fact]
    public async Task Controls_are_labelled_and_reachable_by_keyboard()
    {
        var page = await fixture.OpenAsync();

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("file-input", await page.EvaluateAsync<string>("document.activeElement.id"));
        await Assertions.Expect(page.GetByLabel("Upload id")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("watch-id", await page.EvaluateAsync<string>("document.activeElement.id"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Live");
    }

    [Fact]
    public async Task Files_dropped_on_the_page_upload()
    {
        var page = await fixture.OpenAsync();
        var drop = await page.EvaluateHandleAsync("""
            () => {
              const transfer = new DataTransfer();
              transfer.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }));
              return transfer;
            }
            """);

        await page.DispatchEventAsync("main", "drop", new { dataTransfer = drop });

        var card = page.Locator("li.card", new() { HasText = "dropped.txt" });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        var id = (await card.GetAttributeAsync("data-upload-id"))!;
        Assert.Equal("dropped bytes"u8.ToArray(), await File.ReadAllBytesAsync(fixture.Service.StoredFile(id)));
    }

    [Fact]
    public async Task At_most_three_files_upload_at_once_and_the_rest_wait_their_turn()
    {
        var files = Enumerable.Range(0, 5).Select(index => WriteFile($"queued-{index}.bin", 2 << 20)).ToArray();
        var page = await fixture.OpenAsync();
        await PageNetwork.ThrottleUploadsAsync(page, bytesPerSecond: 4 << 20);

        await page.Locator("#file-input").SetInputFilesAsync(files.Select(f => f.Path));

        await Assertions.Expect(page.Locator("li.card")).ToHaveCountAsync(5);
        var states = await page.EvaluateAsync<string[]>("[...document.querySelectorAll('li.card')].map(card => card.dataset.state)");
        Assert.Equal(2, states.Count(state => state == "queued"));
        Assert.Equal(3, states.Count(state => state is "starting" or "created" or "uploading"));
        await Assertions.Expect(page.Locator("li.card[data-state=completed]")).ToHaveCountAsync(5, new() { Timeout = Patience });
    }

    /// <summary>A file sent by a new page over a slow link, once the server has confirmed some of it.</summary>
    private async Task<((string Path, byte[] Data) File, IPage Page, ILocator Card)> StartThrottledUploadAsync(string name, int size)
    {
        var file = WriteFile(name, size);
        var page = await fixture.OpenAsync();
        await PageNetwork.ThrottleUploadsAsync(page, bytesPerSecond: 4 << 20);
        await page.Locator("#file-input").SetInputFilesAsync(file.Path);
        var card = page.Locator("li.card", new() { HasText = name });
        await Assertions.Expect(card).ToHaveAttributeAsync("data-bytes-received", SomeBytes, new() { Timeout = Patience });
        return (file, page, card);
    }

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private (string Path, byte[] Data) WriteFile(string name, int size)
    {
        var data = RandomBytes(size);
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, data);
        return (path, data);
    }
}
