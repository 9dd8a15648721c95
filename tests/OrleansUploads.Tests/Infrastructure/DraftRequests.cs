using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>A client of the IETF resumable-uploads draft, written from the draft: its requests, and curl speaking it.</summary>
public static class DraftRequests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>A request as the draft's client sends it: its version, and for bodies whether they complete the upload.</summary>
    public static HttpRequestMessage Draft(HttpMethod method, string url, byte[]? body = null, bool complete = false, long? offset = null, long? length = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Upload-Draft-Interop-Version", "8");
        if (body is not null)
        {
            request.Headers.Add("Upload-Complete", complete ? "?1" : "?0");
            request.Content = new ByteArrayContent(body);
            if (method == HttpMethod.Patch)
            {
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/partial-upload");
            }
        }

        if (offset is { } at)
        {
            request.Headers.Add("Upload-Offset", at.ToString());
        }

        if (length is { } size)
        {
            request.Headers.Add("Upload-Length", size.ToString());
        }

        return request;
    }

    /// <summary>Creates an upload with the draft (POST) and returns its URL.</summary>
    public static async Task<string> CreateDraftAsync(this HttpClient client, byte[] data, long? length, bool complete = false)
    {
        using var response = await client.SendAsync(Draft(HttpMethod.Post, "/api/uploads", data, complete, length: length));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    /// <summary>The final answer, past any interim progress (104 with an offset) sent meanwhile.</summary>
    public static async Task<(int StatusCode, Dictionary<string, string> Headers)> FinalResponseAsync(StalledPatch request)
    {
        var answer = await request.ResponseAsync(Patience);
        while (answer.StatusCode == 104)
        {
            Assert.False(answer.Headers.ContainsKey("location"), "Only the first 104 of a creation names the upload.");
            answer = await request.ResponseAsync(Patience);
        }

        return answer;
    }

    public static string One(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) ? values.Single() : response.Content.Headers.GetValues(header).Single();

    /// <summary>curl with the answers' heads in its output (<c>-i</c>), interim ones included; fails the test when curl fails.</summary>
    public static async Task<string> CurlAsync(params string[] arguments)
    {
        using var curl = Process.Start(new ProcessStartInfo("curl", ["-sS", "-i", "--fail-with-body", .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.True(curl.ExitCode == 0, output + await curl.StandardError.ReadToEndAsync());
        return output.Replace("\r", "");
    }
}
