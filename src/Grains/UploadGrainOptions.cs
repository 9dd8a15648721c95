namespace OrleansUploads.Grains;

/// <summary>Timing of the upload grain, bound from the <c>Uploads</c> configuration section.</summary>
public sealed class UploadGrainOptions
{
    public const string Section = "Uploads";

    /// <summary>
    /// Progress events go out at most this often while bytes arrive; state changes go out at once.
    /// Below 100 ms so that, with the time a state write and the delivery take, watchers still see an
    /// event at least every 100 ms.
    /// </summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(80);

    /// <summary>
    /// How long after its writer let go an unfinished upload is told to watchers as paused, unless the
    /// next writer comes first. A client that sends its file in parts (tus-js-client's <c>chunkSize</c>,
    /// the uploads tool) lets go between them; its watchers see one transfer, at one speed. The status
    /// query says paused at once.
    /// </summary>
    public TimeSpan PauseNotice { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a new writer waits for the writer it displaces to let go. A writer whose process died
    /// never answers, so after this the lease is taken without it.
    /// </summary>
    public TimeSpan LeaseTakeoverTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// A writer that sent no report for this long is asked whether it still writes, and loses its lease
    /// if it does not answer within <see cref="LeaseTakeoverTimeout"/>: its process died, and the upload
    /// is paused at its committed offset. A writer reports every few tens of milliseconds while bytes
    /// arrive, so only a stalled client or a dead writer is silent this long, and a stalled client's
    /// writer answers and keeps writing. As long as the takeover timeout by default: a dead writer then
    /// shows as paused in about the time a new request would wait to take its lease over, and a stalled
    /// client costs one question every few seconds.
    /// </summary>
    public TimeSpan WriterSilence { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>An unfinished upload that receives no bytes for this long expires and its bytes are deleted.</summary>
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A completed upload is deleted this long after it completed; kept for ever when not set.</summary>
    public TimeSpan? KeepCompletedFor { get; set; }

    /// <summary>
    /// How long the record of an upload that ended otherwise (cancelled, failed, expired, deleted) stays
    /// queryable; after it, its grain state is cleared and the id is unknown.
    /// </summary>
    public TimeSpan ForgetEndedAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// An upload grain that no call or timer reached for this long leaves memory (a paused upload waiting
    /// for its client, a finished one); its state stays stored and the next call brings it back.
    /// </summary>
    public TimeSpan IdleLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Processing whose holder reported nothing for this long (its process died) is taken from it and
    /// queued again; an upload nobody began to process is queued after this long too.
    /// </summary>
    public TimeSpan ProcessingSilence { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Registers an upload's reminder (expiry, retention) as its grain leaves memory instead of as the
    /// upload is created and ends. For a reminder service whose reminders die with its process anyway
    /// (the embedded one), where it loses nothing: an upload that finishes within one activation then
    /// never calls the reminder service. A cluster's reminders outlive a silo, so there the reminder is
    /// registered at creation, and an upload abandoned as its silo died still expires. So it is the
    /// host's choice (<see cref="RemindOnlyAsGrainsLeave"/>), not a setting.
    /// </summary>
    public bool RemindOnlyWhenIdle { get; private set; }

    /// <summary>For a host whose reminder service keeps nothing past its process: see <see cref="RemindOnlyWhenIdle"/>.</summary>
    public void RemindOnlyAsGrainsLeave() => RemindOnlyWhenIdle = true;

    /// <summary>How quickly the reported speed follows changes; shorter is jumpier.</summary>
    public TimeSpan SpeedSmoothing { get; set; } = TimeSpan.FromSeconds(2);
}
