namespace OrleansUploads.Api.Uploads;

/// <summary>Limits and pacing of the upload API, bound from the <c>Uploads</c> configuration section.</summary>
public sealed class UploadApiOptions
{
    public const string Section = "Uploads";

    /// <summary>The largest upload accepted (tus <c>Tus-Max-Size</c>); larger declarations get 413.</summary>
    public long MaxSizeBytes { get; set; } = 64L << 30;

    /// <summary>
    /// How often a writer tells the grain about stored bytes. Shorter than the progress interval so
    /// that events are never more than one interval behind storage.
    /// </summary>
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromMilliseconds(40);

    /// <summary>How often stored bytes of expired, cancelled or failed uploads are looked for and deleted.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}
