using Microsoft.Playwright;

namespace OrleansUploads.Tests.Page;

public static class PageNetwork
{
    /// <summary>
    /// Slows the page's uploads as a real network would, so a test can act mid-transfer.
    /// The returned action lifts the limit again, for a test whose point is made once the slow part has happened.
    /// </summary>
    public static async Task<Func<Task>> ThrottleUploadsAsync(IPage page, int bytesPerSecond)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        await session.SendAsync("Network.enable");
        await LimitUploadsAsync(session, bytesPerSecond);
        return () => LimitUploadsAsync(session, -1);
    }

    private static Task LimitUploadsAsync(ICDPSession session, int bytesPerSecond) =>
        session.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = 0,
            ["downloadThroughput"] = -1,
            ["uploadThroughput"] = bytesPerSecond,
        });
}
