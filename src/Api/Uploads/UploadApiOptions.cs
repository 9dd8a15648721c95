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

    /// <summary>
    /// A watched upload that is receiving bytes but whose stream has been silent this long has its
    /// status read from the grain and its stream subscribed again (see <c>ProgressRelay.HealAsync</c>).
    /// </summary>
    public TimeSpan RelaySilence { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The same for a watched upload that is not receiving bytes, whose stream is quiet anyway.</summary>
    public TimeSpan RelayIdleSilence { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one attempt to heal a relay (read the status, subscribe again) may take before it is
    /// given up and tried again: an attempt sent to a silo that just died may otherwise wait for long.
    /// </summary>
    public TimeSpan RelayHealTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the request that stored the last byte waits for verifying and processing to end, to
    /// answer with the outcome; past it, the request answers and events tell the outcome.
    /// </summary>
    public TimeSpan ProcessingWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// On SIGTERM, how long requests in flight may go on storing bytes before their bodies are cut
    /// (what arrived is kept; the client resumes elsewhere). New upload requests get 503 meanwhile.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Announce a draft upload's URL with <c>104 Upload Resumption Supported</c> as soon as it exists,
    /// while its body still arrives (HTTP/1.1, once the start-up self-test saw it work).
    /// </summary>
    public bool SendUploadResumptionSupported { get; set; } = true;

    /// <summary>How often stored bytes of expired, cancelled or failed uploads are looked for and deleted.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}
