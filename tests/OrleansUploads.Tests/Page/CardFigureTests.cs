using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Page;

/// <summary>What cards and lists say once uploads have finished, stopped or never started.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CardFigureTests(BrowserFixture fixture) : IDisposable
{
    private const float Patience = 30_000;
    private static readonly Regex SomeBytes = new("^[1-9][0-9]*$");
    private readonly string _folder = Directory.CreateTempSubdirectory("page-figures-").FullName;
    private readonly HttpClient _client = fixture.Service.CreateClient();

    /// <summary>Also the README's picture of the page: one file sending, one finished, one cancelled.</summary>
    [Fact]
    public async Task A_finished_card_shows_its_average_speed_and_how_long_it_took()
    {
        var page = await fixture.OpenAsync();
        await PageNetwork.ThrottleUploadsAsync(page, bytesPerSecond: 6 << 20);
        var files = new[] { ("holiday-video.mp4", 80 << 20), ("quarterly-report.pdf", 3 << 20), ("photos-2026.zip", 48 << 20) };
        await page.Locator("#file-input").SetInputFilesAsync(files.Select(f => WriteFile(f.Item1, f.Item2)));
        var sending = page.Locator("li.card", new() { HasText = "holiday-video.mp4" });
        var finished = page.Locator("li.card", new() { HasText = "quarterly-report.pdf" });
        var cancelled = page.Locator("li.card", new() { HasText = "photos-2026.zip" });

        await Assertions.Expect(finished).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = Patience });
        await Assertions.Expect(finished.Locator(".speed")).ToHaveTextAsync(new Regex(@"^[0-9.]+ [KMG]B/s$"));
        await Assertions.Expect(finished.Locator(".elapsed")).ToHaveTextAsync(new Regex(@"^(0\.[1-9]|[1-9][0-9]*(\.[0-9])?)s$|m "));
        var status = await _client.StatusAsync($"/api/uploads/{await finished.GetAttributeAsync("data-upload-id")}");
        Assert.True(status.CompletedAt > status.StartedAt, $"{status.StartedAt} .. {status.CompletedAt}");

        await Assertions.Expect(cancelled).ToHaveAttributeAsync("data-bytes-received", SomeBytes, new() { Timeout = Patience });
        await cancelled.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(cancelled).ToHaveAttributeAsync("data-state", "cancelled", new() { Timeout = Patience });
        await Assertions.Expect(sending).ToHaveAttributeAsync("data-state", "uploading", new() { Timeout = Patience });
        await Assertions.Expect(sending).ToHaveAttributeAsync("data-bytes-received", SomeBytes, new() { Timeout = Patience });
        // The list of active uploads follows: the cancelled one leaves it.
        await Assertions.Expect(page.Locator("#active-list")).Not.ToContainTextAsync("photos-2026.zip", new() { Timeout = Patience });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "upload-page.png"), FullPage = true });
    }

    [Fact]
    public async Task Uploads_created_but_never_started_are_listed_apart_as_waiting_with_their_age()
    {
        var location = await _client.CreateAsync(10, "filename " + Convert.ToBase64String("never-sent.txt"u8));
        var page = await fixture.OpenAsync();

        var waiting = page.Locator($"#active-list li.waiting[data-upload-id='{IdOf(location)}']");
        await Assertions.Expect(waiting).ToContainTextAsync(new Regex(@"never-sent\.txt · waiting, no bytes yet · created [0-9.]+s ago"), new() { Timeout = Patience });
        await _client.DeleteAsync(location);
    }

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A file of random bytes that starts as its kind does, so the service's content-type stage accepts it.</summary>
    private string WriteFile(string name, int size)
    {
        var path = Path.Combine(_folder, name);
        var data = RandomBytes(size);
        byte[] signature = Path.GetExtension(name) switch { ".pdf" => "%PDF-"u8.ToArray(), ".zip" => [0x50, 0x4B, 0x03, 0x04], _ => [] };
        signature.CopyTo(data, 0);
        File.WriteAllBytes(path, data);
        return path;
    }
}
