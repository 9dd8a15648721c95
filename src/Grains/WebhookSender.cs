using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>
/// Posts an upload's outcome as JSON (<c>{"event": "upload.completed", "upload": {status}}</c>), signed
/// with <c>Upload-Signature: sha256=hex(HMAC-SHA256(secret, body))</c> when a secret is set.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, IOptions<WebhookOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public IReadOnlyList<Uri> Urls => options.Value.Urls;

    /// <summary>Throws when the receiver did not take it: no answer in time, or a status other than 2xx.</summary>
    public async Task SendAsync(Uri url, UploadStatus outcome, int attempt, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { @event = $"upload.{outcome.State.ToString().ToLowerInvariant()}", upload = outcome with { Webhook = null } }, Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Upload-Delivery-Attempt", attempt.ToString());
        if (options.Value.Secret is { } secret)
        {
            request.Headers.Add("Upload-Signature", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        using var http = clients.CreateClient(nameof(WebhookSender));
        using var response = await http.SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{url} answered {(int)response.StatusCode}", null, response.StatusCode);
        }
    }
}
