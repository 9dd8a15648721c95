using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>Raw tus requests, spelled out header by header as a protocol test needs them.</summary>
public static class TusRequests
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public static byte[] RandomBytes(int length) => RandomNumberGenerator.GetBytes(length);

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static HttpRequestMessage Tus(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    public static async Task<string> CreateAsync(this HttpClient client, long length, string? metadata = null)
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", length.ToString());
        if (metadata is not null)
        {
            request.Headers.Add("Upload-Metadata", metadata);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    public static HttpRequestMessage Patch(string location, long offset, HttpContent body)
    {
        var request = Tus(HttpMethod.Patch, location);
        request.Headers.Add("Upload-Offset", offset.ToString());
        body.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        request.Content = body;
        return request;
    }

    public static async Task<HttpResponseMessage> PatchAsync(this HttpClient client, string location, long offset, byte[] body) =>
        await client.PatchAsync(location, offset, new ByteArrayContent(body));

    public static async Task<HttpResponseMessage> PatchAsync(this HttpClient client, string location, long offset, HttpContent body) =>
        await client.SendAsync(Patch(location, offset, body));

    public static async Task<long> OffsetAsync(this HttpClient client, string location)
    {
        using var response = await client.SendAsync(Tus(HttpMethod.Head, location));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single());
    }

    public static async Task<UploadStatusView> StatusAsync(this HttpClient client, string location) =>
        (await client.GetFromJsonAsync<UploadStatusView>(location, Json))!;

    /// <summary>tus metadata: each value base64-encoded after its key.</summary>
    public static string Metadata(params (string Key, string Value)[] pairs) =>
        string.Join(',', pairs.Select(pair => $"{pair.Key} {Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pair.Value))}"));

    public static string IdOf(string location) => location[(location.LastIndexOf('/') + 1)..];
}

/// <summary>The status JSON as a client reads it.</summary>
public sealed record UploadStatusView(
    string Id, string? FileName, string? ContentType, string State, long BytesReceived, long? TotalBytes,
    double? Percentage, double BytesPerSecond, double? EtaSeconds, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt, string? Sha256, string? Error, long Sequence = 0, string? Stage = null, WebhookView? Webhook = null,
    string? Concat = null, string[]? Parts = null);

/// <summary>How delivering the outcome to the webhooks stands, as the status JSON says.</summary>
public sealed record WebhookView(string State, int Attempts, DateTimeOffset? NextAttemptAt, string? LastError, DateTimeOffset? DeliveredAt);
