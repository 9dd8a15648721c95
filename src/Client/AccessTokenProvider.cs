namespace OrleansUploads.Client;

/// <summary>
/// Supplies the bearer token for each HTTP request and each hub connection; null sends none. Asked
/// every time, so a provider that refreshes tokens is honoured without reconnecting.
/// </summary>
public delegate ValueTask<string?> AccessTokenProvider(CancellationToken cancellationToken);
