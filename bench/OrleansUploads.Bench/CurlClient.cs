using System.Diagnostics;

namespace OrleansUploads.Bench;

/// <summary>
/// curl as the client: it sends a file from the page cache, so neither side's figure includes how a
/// .NET client makes its bytes. <c>Expect: 100-continue</c> is turned off on both sides alike.
/// </summary>
public static class CurlClient
{
    public static Task PostAsync(Uri server, string file, string path = "/bare") => RunAsync("POST", new Uri(server, path), file, [], expected: 204);

    public static async Task TusUploadAsync(HttpClient client, Uri endpoint, string file)
    {
        var location = await Transfers.TusCreateAsync(client, endpoint, new FileInfo(file).Length);
        await RunAsync("PATCH", location, file, ["Tus-Resumable: 1.0.0", "Upload-Offset: 0", "Content-Type: application/offset+octet-stream"], expected: 204);
    }

    private static async Task RunAsync(string method, Uri url, string file, string[] headers, int expected)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", method, "-H", "Expect:", .. headers.SelectMany(h => new[] { "-H", h }), "-T", file, url.ToString()])
        {
            start.ArgumentList.Add(argument);
        }

        using var curl = Process.Start(start)!;
        var status = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();
        if (status != expected.ToString())
        {
            throw new InvalidOperationException($"curl {method} {url} answered {status}, not {expected}: {await curl.StandardError.ReadToEndAsync()}");
        }
    }
}
