namespace OrleansUploads.Client;

/// <summary>Where the service is, how to authenticate, and how hard to try.</summary>
public sealed class UploadsClientOptions
{
    /// <summary>
    /// The service's root, with its path base if it has one (<c>http://localhost:5000</c>, <c>https://host/files</c>),
    /// with or without a trailing slash: <see cref="ServiceAddress"/> puts every endpoint below it.
    /// </summary>
    public required Uri Server { get; init; }

    /// <summary>The bearer token for HTTP and the hub; none when authentication is off.</summary>
    public AccessTokenProvider? AccessToken { get; init; }

    /// <summary>Bytes per PATCH. Smaller chunks lose less to a dropped connection; larger ones cost fewer requests.</summary>
    public int ChunkSize { get; init; } = 4 << 20;

    /// <summary>Attempts in a row without progress before a transfer gives up (network errors, 5xx, 409, checksum mismatches).</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>The first wait before a retry; each further one doubles, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The innermost HTTP handler, for proxies or tests; a new <see cref="SocketsHttpHandler"/> when null.</summary>
    public HttpMessageHandler? Handler { get; init; }
}
