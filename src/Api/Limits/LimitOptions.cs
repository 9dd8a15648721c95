namespace OrleansUploads.Api.Limits;

/// <summary>What one owner or client may ask of the service, from the <c>Limits</c> configuration section.</summary>
public sealed class LimitOptions
{
    public const string Section = "Limits";

    /// <summary>The longest <c>Upload-Metadata</c> header accepted.</summary>
    public int MaxMetadataBytes { get; set; } = 4096;

    /// <summary>How many unfinished uploads one owner may have at once; more get 429.</summary>
    public int MaxActiveUploadsPerOwner { get; set; } = 100;

    /// <summary>Requests one owner (or, without authentication, one IP address) may make per <see cref="RateWindow"/>.</summary>
    public int RequestsPerWindow { get; set; } = 300;

    public TimeSpan RateWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A request body slower than this (after the grace period) is cut, and its upload stays resumable.</summary>
    public int MinBodyBytesPerSecond { get; set; } = 240;

    public TimeSpan MinBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Origins other than the page's own that may call the API from a browser.</summary>
    public string[] AllowedOrigins { get; set; } = [];
}
