using Microsoft.Playwright;

namespace OrleansUploads.Tests.Page;

public static class PageNetwork
{
    /// <summary>Slows the page's uploads as a real network would, so a test can act mid-transfer.</summary>
    public static async Task ThrottleUploadsAsync(IPage page, int bytesPerSecond)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        await session.SendAsync("Network.enable");
        await session.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = 0,
            ["downloadThroughput"] = -1,
            ["uploadThroughput"] = bytesPerSecond,
        });
    }
}
