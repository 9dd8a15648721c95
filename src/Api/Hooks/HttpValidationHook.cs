using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Hooks;

/// <summary>
/// Asks the configured HTTP endpoint (<see cref="ValidationOptions.HookUrl"/>) before a creation. An
/// answer that is not a verdict, or no answer in time, refuses the creation as unavailable: uploads a
/// hook was meant to vet are not let through while it is down.
/// </summary>
public sealed class HttpValidationHook(IHttpClientFactory clients, IOptions<ValidationOptions> options, ILogger<HttpValidationHook> logger) : IUploadValidator
{
    public async Task<UploadVerdict> ValidateAsync(UploadCreation proposal, CancellationToken cancellationToken)
    {
        if (options.Value.HookUrl is not { } url)
        {
            return UploadVerdict.Accept();
        }

        var question = new HookQuestion(proposal.Owner, proposal.TotalBytes, UploadMetadata.Of(proposal.Metadata).ToText());
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.HookTimeout);
            using var http = clients.CreateClient(nameof(HttpValidationHook));
            using var response = await http.PostAsJsonAsync(url, question, timeout.Token);
            response.EnsureSuccessStatusCode();
            var answer = await response.Content.ReadFromJsonAsync<HookAnswer>(timeout.Token) ?? throw new InvalidDataException("The hook answered nothing.");
            return answer.Accept
                ? UploadVerdict.Accept(answer.Metadata)
                : UploadVerdict.Refuse(answer.Status is >= 400 and < 500 ? answer.Status.Value : StatusCodes.Status403Forbidden, answer.Message ?? "The upload was refused.");
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidDataException or System.Text.Json.JsonException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(exception, "The creation hook at {Url} did not give a verdict", url);
            return UploadVerdict.Refuse(StatusCodes.Status503ServiceUnavailable, "The service that vets new uploads cannot be reached; try again shortly.");
        }
    }

    private sealed record HookQuestion(string Owner, long? Length, IReadOnlyDictionary<string, string> Metadata);

    private sealed record HookAnswer(
        [property: JsonPropertyName("accept")] bool Accept,
        [property: JsonPropertyName("status")] int? Status,
        [property: JsonPropertyName("message")] string? Message,
        [property: JsonPropertyName("metadata")] Dictionary<string, string>? Metadata);
}
