namespace OrleansUploads.Client;

/// <summary>
/// Every URL of the service, built from its address in one place. The address is the service's root, which may
/// sit behind a path base (<c>http://host:5000</c>, <c>https://host/files</c>), with or without a trailing slash;
/// the endpoints are below it: <c>{root}/api/uploads</c> (tus, status, listing) and <c>{root}/hubs/uploads</c>.
/// </summary>
public sealed class ServiceAddress
{
    private const string UploadsPath = "api/uploads";
    private const string HubPath = "hubs/uploads";

    public ServiceAddress(Uri server)
    {
        // Relative references resolve against the last slash: without one, http://host/files + api/uploads would
        // lose "files". A query or fragment belongs to no endpoint.
        var root = new UriBuilder(server) { Query = "", Fragment = "" };
        root.Path = root.Path.EndsWith('/') ? root.Path : root.Path + "/";
        Root = root.Uri;
    }

    /// <summary>The service's root, ending with a slash.</summary>
    public Uri Root { get; }

    /// <summary>The tus endpoint: discovery and creation.</summary>
    public Uri Uploads => new(Root, UploadsPath);

    /// <summary>The SignalR hub of upload events.</summary>
    public Uri Hub => new(Root, HubPath);

    /// <summary>The first page of the caller's unfinished uploads.</summary>
    public Uri ActiveUploads(int pageSize) => new(Root, $"{UploadsPath}?state=active&limit={pageSize}");

    /// <summary>One upload, by its id or its URL.</summary>
    public Uri Upload(string idOrUrl) => new(Root, $"{UploadsPath}/{Uri.EscapeDataString(UploadsClient.IdOf(idOrUrl))}");

    public Uri Content(string idOrUrl) => new(Root, $"{UploadsPath}/{Uri.EscapeDataString(UploadsClient.IdOf(idOrUrl))}/content");

    /// <summary>
    /// A URL the service answered with (a <c>Location</c>, a <c>Link</c>, a final upload's parts) or one kept from an
    /// earlier run, as HTTP resolves it: the service writes its path base into the paths it gives.
    /// </summary>
    public Uri Resolve(Uri reference) => new(Root, reference);

    public Uri Resolve(string reference) => new(Root, reference);
}
