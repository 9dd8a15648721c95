using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace OrleansUploads.Client;

/// <summary>The tus requests, header by header: discovery, creation, HEAD and PATCH.</summary>
internal sealed class TusEndpoint(HttpClient http, ServiceAddress address)
{
    private const string OffsetContentType = "application/offset+octet-stream";

    private TusDiscovery? _discovery;

    public async Task<TusDiscovery> DiscoverAsync(CancellationToken cancellationToken)
    {
        if (_discovery is null)
        {
            using var response = await SendAsync(Request(HttpMethod.Options, address.Uploads), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                // Nothing of the service's there: most often an address that names an endpoint rather than the root.
                throw new UploadsException(UploadsError.Unreachable,
                    $"No upload service answers at {address.Uploads}. The server address is the service's root (with its path base, if any), " +
                    "such as http://host:5000 or https://host/files, not one of its endpoints.", response.StatusCode);
            }

            await EnsureSuccessAsync(response, cancellationToken);
            _discovery = TusDiscovery.From(response);
        }

        return _discovery;
    }

    /// <summary>Creates an upload (or a part, or the final upload naming <paramref name="finalParts"/>) and returns its URL.</summary>
    /// <param name="sha256">
    /// The whole file's SHA-256 (hex): the service compares the stored file with it after the last byte and fails the
    /// upload when they differ, so an upload resumed with other content of the same length never completes.
    /// </param>
    public async Task<Uri> CreateAsync(long? length, string? fileName, string? contentType, string? sha256, bool partial, IReadOnlyList<Uri>? finalParts, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, address.Uploads);
        if (length is { } declared)
        {
            request.Headers.Add("Upload-Length", declared.ToString());
        }

        if (Metadata(fileName, contentType, sha256) is { Length: > 0 } metadata)
        {
            request.Headers.Add("Upload-Metadata", metadata);
        }

        if (partial)
        {
            request.Headers.Add("Upload-Concat", "partial");
        }
        else if (finalParts is not null)
        {
            request.Headers.Add("Upload-Concat", "final;" + string.Join(' ', finalParts.Select(p => p.AbsolutePath)));
        }

        using var response = await SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return address.Resolve(response.Headers.Location ?? throw new UploadsException(UploadsError.Failed, "The creation answered without a Location."));
    }

    /// <returns>The upload's offsets, or null when it is gone (404, 410): a new upload must be started.</returns>
    public async Task<TusHead?> HeadAsync(Uri upload, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(Request(HttpMethod.Head, upload), cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return TusHead.From(response);
    }

    public Task<HttpResponseMessage> PatchAsync(Uri upload, long offset, ReadOnlyMemory<byte> chunk, string? checksumAlgorithm, CancellationToken cancellationToken)
    {
        var request = Request(HttpMethod.Patch, upload);
        request.Headers.Add("Upload-Offset", offset.ToString());
        if (checksumAlgorithm is not null)
        {
            request.Headers.Add("Upload-Checksum", ChunkChecksum.Of(checksumAlgorithm, chunk.Span));
        }

        request.Content = new ReadOnlyMemoryContent(chunk);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(OffsetContentType);
        return http.SendAsync(request, cancellationToken);
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await UploadsException.FromResponseAsync(response, cancellationToken);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw UploadsException.Unreachable(address.Root, e);
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    private static string Metadata(string? fileName, string? contentType, string? sha256) => string.Join(',',
        new[] { ("filename", fileName), ("filetype", contentType), ("sha256", sha256) }
            .Where(pair => pair.Item2 is { Length: > 0 })
            .Select(pair => $"{pair.Item1} {Convert.ToBase64String(Encoding.UTF8.GetBytes(pair.Item2!))}"));
}
