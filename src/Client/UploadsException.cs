using System.Net;
using System.Text.Json;

namespace OrleansUploads.Client;

/// <summary>A request the service refused, or could not answer, after the client's own retries.</summary>
public sealed class UploadsException(UploadsError error, string message, HttpStatusCode? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    public UploadsError Error { get; } = error;

    /// <summary>The service's answer, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>The exception for an unsuccessful answer, with the problem JSON's detail as its message when the service gave one.</summary>
    public static async Task<UploadsException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var error = status switch
        {
            HttpStatusCode.NotFound => UploadsError.NotFound,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => UploadsError.Unauthorized,
            >= HttpStatusCode.InternalServerError => UploadsError.Unreachable,
            _ => UploadsError.Failed,
        };
        var detail = await ProblemDetailAsync(response, cancellationToken);
        var request = response.RequestMessage is { } sent ? $"{sent.Method} {sent.RequestUri?.AbsolutePath}" : "The request";
        return new UploadsException(error, $"{request} answered {(int)status} {response.ReasonPhrase}{(detail is null ? "" : ": " + detail)}", status);
    }

    public static UploadsException Unreachable(Uri server, Exception inner) =>
        new(UploadsError.Unreachable, $"The service at {server} could not be reached: {inner.Message}", inner: inner);

    private static async Task<string?> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
        {
            return null;
        }

        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return problem.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? detail.GetString()
                : problem.RootElement.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String ? title.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
