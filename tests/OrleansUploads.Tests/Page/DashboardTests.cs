using System.Net;
using OrleansUploads.Tests.Access;

namespace OrleansUploads.Tests.Page;

/// <summary>The Orleans Dashboard at /dashboard: off unless enabled, and behind the API's authentication when that is on.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_dashboard_is_off_by_default_and_when_enabled_shows_the_cluster()
    {
        using (var client = fixture.Service.CreateClient())
        using (var off = await client.GetAsync("/dashboard"))
        {
            Assert.Equal(HttpStatusCode.NotFound, off.StatusCode);
        }

        await using var service = await UploadService.StartAsync("--Dashboard:Enabled=true");
        using (var client = service.CreateClient())
        {
            await Infrastructure.TusRequests.CreateAsync(client, 10);
        }

        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = service.BaseAddress.ToString(), ViewportSize = new() { Width = 1300, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard");

        await Microsoft.Playwright.Assertions.Expect(page.Locator("body")).ToContainTextAsync("Active silos", new() { Timeout = 30_000, IgnoreCase = true });
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "dashboard.png") });
    }

    [Fact]
    public async Task With_authentication_on_the_dashboard_asks_for_a_token_like_the_api()
    {
        await using var service = await UploadService.StartAsync([.. AccessFixture.AuthSettings, "--Dashboard:Enabled=true"]);
        using var client = service.CreateClient();

        using var response = await client.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
