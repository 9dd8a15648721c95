namespace OrleansUploads.Abstractions;

/// <summary>
/// One upload: its counts, timing, state, owner and single-writer lease. Bytes never pass through
/// it; writers store them and then report the new offset.
/// </summary>
public interface IUploadGrain : IGrainWithStringKey
{
    Task<UploadStatus> CreateAsync(UploadCreation creation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the upload with <paramref name="writer"/> holding the lease for its first body of
    /// <paramref name="bodyLength"/> bytes at offset 0, granted or refused as <see cref="AcquireLeaseAsync"/> would.
    /// </summary>
    Task<LeaseGrant> CreateWritingAsync(UploadCreation creation, IUploadWriter writer, long? bodyLength, CancellationToken cancellationToken = default);

    /// <summary>The current status, or null when no upload has this id or it belongs to another owner.</summary>
    [Idempotent]
    Task<UploadStatus?> GetStatusAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// The status for a watcher that has just subscribed to the upload's stream, null as for
    /// <see cref="GetStatusAsync"/>. Events are published only for uploads someone watches: from this
    /// call on, every change is, by this activation and any later one on any silo (the mark is stored
    /// with the upload). Until then an upload costs no stream traffic.
    /// </summary>
    [Idempotent]
    Task<UploadStatus?> WatchAsync(string owner, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decides whether a writer may start at <paramref name="offset"/> with a body of
    /// <paramref name="bodyLength"/> bytes (when known), and grants it the lease. A request that is
    /// wrong on its face (a finished upload, an offset no writer is moving towards, a body past the
    /// declared size) is refused without disturbing the writer in flight. Otherwise a writer already
    /// attached is told to stop first and keeps what it stored; this call waits until it let go.
    /// The same <paramref name="writer"/> asking again gets the lease it holds, so the call may be repeated.
    /// </summary>
    /// <param name="declaredLength">
    /// The size of an upload created without one, declared with this write (tus <c>creation-defer-length</c>,
    /// the draft's completing append): taken only with the lease, so a write refused for its offset changes
    /// nothing. The same size again is fine; another size, or one below the bytes already stored, is
    /// refused with <see cref="WriteRefusal.LengthMismatch"/>.
    /// </param>
    [Idempotent]
    Task<LeaseGrant> AcquireLeaseAsync(
        long offset, IUploadWriter writer, string owner, long? bodyLength = null, long? declaredLength = null, CancellationToken cancellationToken = default);

    /// <summary>Tells the grain that storage holds every byte up to <paramref name="offset"/>.</summary>
    [Idempotent]
    Task<WriteVerdict> ReportStoredAsync(Guid leaseId, long offset, CancellationToken cancellationToken = default);

    /// <summary>The writer is done (for now) with everything up to <paramref name="offset"/> stored; a second call finds the lease gone.</summary>
    [Idempotent]
    Task<UploadStatus> ReleaseLeaseAsync(Guid leaseId, long offset, CancellationToken cancellationToken = default);

    /// <summary>
    /// The writer stored the last byte. For uploads without a declared size, <paramref name="offset"/>
    /// becomes the size. The upload goes on to verifying and processing, or, when the writer says there
    /// is <paramref name="nothingToProcess"/>, completes at once. A second call finds the upload complete
    /// (or the lease gone) and changes nothing.
    /// </summary>
    [Idempotent]
    Task<UploadStatus> CompleteAsync(Guid leaseId, long offset, string sha256, bool nothingToProcess = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes an upload whose committed offset already equals its length while no writer holds the
    /// lease (the writer's request or process ended after the last byte), with the digest read back from
    /// storage. It completes once: any later call returns the status as it is.
    /// </summary>
    [Idempotent]
    Task<UploadStatus> CompleteStoredAsync(string sha256, CancellationToken cancellationToken = default);

    /// <summary>The status for the service's own background work, whoever owns the upload; null when none exists.</summary>
    [Idempotent]
    Task<UploadStatus?> PeekAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims the upload's processing (its bytes are all stored and it is verifying or processing); refused
    /// with <see cref="WriteRefusal.Processing"/> while someone else holds it. A holder that falls silent
    /// loses it, and the upload is queued for the API to claim again.
    /// </summary>
    Task<LeaseGrant> ClaimProcessingAsync(IUploadWriter processor, CancellationToken cancellationToken = default);

    /// <summary>
    /// The claim's holder is in <paramref name="stage"/>, <paramref name="progress"/> of the way (0 to 1)
    /// when known; each call also says it is alive. Stop when the upload was cancelled or the claim taken.
    /// </summary>
    Task<WriteVerdict> ReportStageAsync(Guid claimId, string stage, double? progress = null, CancellationToken cancellationToken = default);

    /// <summary>The holder stopped without an outcome (told to, or its process is stopping): the claim ends and the upload stays as it is.</summary>
    [Idempotent]
    Task LetGoOfProcessingAsync(Guid claimId, CancellationToken cancellationToken = default);

    /// <summary>Processing ended: the upload completes, or fails with <paramref name="error"/>. A second call changes nothing.</summary>
    [Idempotent]
    Task<UploadStatus> FinishProcessingAsync(Guid claimId, string? error, CancellationToken cancellationToken = default);

    /// <summary>
    /// For a partial upload: it becomes part of the final upload <paramref name="finalId"/>, which hears of
    /// every change of it from now on. Null when it is not the owner's partial upload, or is part of another final one.
    /// </summary>
    [Idempotent]
    Task<UploadStatus?> JoinFinalAsync(string finalId, string owner, CancellationToken cancellationToken = default);

    /// <summary>For a final upload: one of its parts changed (its bytes, its length, its state).</summary>
    [Idempotent]
    Task PartChangedAsync(UploadStatus part, CancellationToken cancellationToken = default);

    /// <summary>For a final upload being processed: its parts were copied into it, and this is the digest of the whole.</summary>
    [Idempotent]
    Task<WriteVerdict> RecordAssembledAsync(Guid claimId, string sha256, CancellationToken cancellationToken = default);

    /// <summary>Marks the upload failed for good, for example because stored bytes went missing.</summary>
    Task<UploadStatus> FailAsync(string error, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels (or, for a completed upload, deletes): refuses every later write, stops the writer in
    /// flight and waits until it let go, so the caller can delete the stored bytes. Returns null when no upload has this id or it belongs
    /// to another owner.
    /// </summary>
    [Idempotent]
    Task<UploadStatus?> CancelAsync(string owner, CancellationToken cancellationToken = default);
}
