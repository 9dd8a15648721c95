using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;

namespace OrleansUploads.Client;

/// <summary>
/// A client of one OrleansUploads service: tus uploads that resume (<see cref="StartFileUploadAsync"/>),
/// live status over the hub (<see cref="WatchAsync"/>), status, listing, cancelling and resumable downloads.
/// </summary>
public sealed partial class UploadsClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TusEndpoint _tus;

    public UploadsClient(UploadsClientOptions options)
    {
        Options = options;
        Address = new ServiceAddress(options.Server);
        var handler = options.Handler ?? new SocketsHttpHandler();
        _http = new HttpClient(options.AccessToken is { } token ? new BearerTokenHandler(token) { InnerHandler = handler } : handler);
        _tus = new TusEndpoint(_http, Address);
    }

    public UploadsClientOptions Options { get; }

    /// <summary>Where each endpoint of the service is.</summary>
    public ServiceAddress Address { get; }

    /// <summary>The service's root, ending with a slash (<see cref="ServiceAddress.Root"/>).</summary>
    public Uri Server => Address.Root;

    /// <summary>The id at the end of an upload URL (or the id itself).</summary>
    public static string IdOf(Uri upload) => upload.IsAbsoluteUri ? upload.Segments[^1].TrimEnd('/') : upload.OriginalString.Split('/')[^1];

    public static string IdOf(string idOrUrl) => Uri.TryCreate(idOrUrl, UriKind.Absolute, out var url) && url.Scheme.StartsWith("http") ? IdOf(url) : idOrUrl.Split('/')[^1];

    public Task<TusDiscovery> DiscoverAsync(CancellationToken cancellationToken = default) => _tus.DiscoverAsync(cancellationToken);

    public async Task<UploadStatus> GetStatusAsync(string id, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, Address.Upload(id)), cancellationToken);
        return await ReadStatusAsync(response, cancellationToken);
    }

    /// <summary>The caller's unfinished uploads, oldest first, following the service's pages to the end.</summary>
    public async IAsyncEnumerable<UploadStatus> ListAsync(int pageSize = 100, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Uri? next = Address.ActiveUploads(pageSize);
        while (next is not null)
        {
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, next), cancellationToken);
            await TusEndpoint.EnsureSuccessAsync(response, cancellationToken);
            foreach (var status in await response.Content.ReadFromJsonAsync<UploadStatus[]>(UploadJson.Options, cancellationToken) ?? [])
            {
                yield return status;
            }

            next = NextPage(response);
        }
    }

    /// <summary>Cancels an upload (stopping its transfer wherever it runs), or deletes a completed one's file; returns its status after.</summary>
    public async Task<UploadStatus> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, Address.Upload(id));
        request.Headers.Add("Tus-Resumable", "1.0.0");
        using (var response = await SendAsync(request, cancellationToken))
        {
            // 410: it had ended already; the status says how.
            if (response.StatusCode != HttpStatusCode.Gone)
            {
                await TusEndpoint.EnsureSuccessAsync(response, cancellationToken);
            }
        }

        return await GetStatusAsync(id, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private static async Task<UploadStatus> ReadStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await TusEndpoint.EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<UploadStatus>(UploadJson.Options, cancellationToken)
            ?? throw new UploadsException(UploadsError.Failed, "The service answered an empty status.");
    }

    private Uri? NextPage(HttpResponseMessage response)
    {
        // Link: </api/uploads?state=active&limit=100&after=...>; rel="next"
        var link = response.Headers.TryGetValues("Link", out var values) ? values.FirstOrDefault(v => v.Contains("rel=\"next\"")) : null;
        return link is null ? null : Address.Resolve(link[(link.IndexOf('<') + 1)..link.IndexOf('>')]);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw UploadsException.Unreachable(Server, e);
        }
        finally
        {
            request.Dispose();
        }
    }
}
