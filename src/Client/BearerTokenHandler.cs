using System.Net.Http.Headers;

namespace OrleansUploads.Client;

/// <summary>Puts the provider's current token on every request to the service.</summary>
internal sealed class BearerTokenHandler(AccessTokenProvider provider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (await provider(cancellationToken) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
