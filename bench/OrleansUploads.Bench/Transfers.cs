using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace OrleansUploads.Bench;

/// <summary>A request body of any length made from one random megabyte, so the client costs almost nothing.</summary>
public sealed class RepeatingContent(long length) : HttpContent
{
    private static readonly byte[] Block = RandomNumberGenerator.GetBytes(1 << 20);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (long sent = 0; sent < length; sent += Block.Length)
        {
            await stream.WriteAsync(Block.AsMemory(0, (int)Math.Min(Block.Length, length - sent)));
        }
    }

    protected override bool TryComputeLength(out long computed)
    {
        computed = length;
        return true;
    }
}

/// <summary>The same HTTP client code for every server measured.</summary>
public static class Transfers
{
    public static HttpClient NewClient() => new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
    {
        Timeout = TimeSpan.FromMinutes(10),
    };

    /// <summary>A whole file as one plain POST (the baseline endpoint; <c>/bare-sha256</c> hashes it too).</summary>
    public static async Task PostAsync(HttpClient client, Uri server, long length, string path = "/bare")
    {
        using var response = await client.PostAsync(new Uri(server, path), new RepeatingContent(length));
        Ensure(response, HttpStatusCode.NoContent);
    }

    /// <summary>A whole file the tus way: create, then one PATCH.</summary>
    public static async Task TusUploadAsync(HttpClient client, Uri endpoint, long length)
    {
        var location = await TusCreateAsync(client, endpoint, length);
        using var response = await client.SendAsync(TusPatch(location, 0, new RepeatingContent(length)));
        Ensure(response, HttpStatusCode.NoContent);
    }

    /// <summary>A whole file in the creation request (tus creation-with-upload).</summary>
    public static async Task TusCreateWithUploadAsync(HttpClient client, Uri endpoint, long length)
    {
        var body = new RepeatingContent(length);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        var create = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = body };
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", length.ToString());
        using var created = await client.SendAsync(create);
        Ensure(created, HttpStatusCode.Created);
        if (created.Headers.GetValues("Upload-Offset").Single() != length.ToString())
        {
            throw new InvalidOperationException($"Creation-with-upload of {length} bytes stored {created.Headers.GetValues("Upload-Offset").Single()}.");
        }
    }

    public static async Task<Uri> TusCreateAsync(HttpClient client, Uri endpoint, long length)
    {
        var create = new HttpRequestMessage(HttpMethod.Post, endpoint);
        create.Headers.Add("Tus-Resumable", "1.0.0");
        create.Headers.Add("Upload-Length", length.ToString());
        using var created = await client.SendAsync(create);
        Ensure(created, HttpStatusCode.Created);
        return new Uri(endpoint, created.Headers.Location!);
    }

    public static HttpRequestMessage TusPatch(Uri location, long offset, HttpContent body)
    {
        var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = body };
        patch.Headers.Add("Tus-Resumable", "1.0.0");
        patch.Headers.Add("Upload-Offset", offset.ToString());
        body.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        return patch;
    }

    public static async Task<TimeSpan> TimeAsync(Func<Task> work)
    {
        var clock = Stopwatch.StartNew();
        await work();
        return clock.Elapsed;
    }

    public static double MegabytesPerSecond(long bytes, TimeSpan elapsed) => bytes / 1e6 / elapsed.TotalSeconds;

    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

    private static void Ensure(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}.");
        }
    }
}
