namespace OrleansUploads.Api.Storage;

/// <summary>The data plane: where an upload's bytes live. Ids are opaque to it and never come from clients' file names.</summary>
public interface IUploadStore
{
    /// <summary>Whether the committed bytes of an upload still running can be read back (S3 serves nothing of a multipart upload before it completes).</summary>
    bool ReadsWhileRunning => true;

    /// <summary>
    /// Checks at start-up that the store can be used, so wrong credentials or an unreachable service stop
    /// the API with a clear message instead of failing the first upload.
    /// </summary>
    /// <exception cref="OrleansUploads.Cluster.StartRefusedException">The store cannot be used; the message says which settings to check.</exception>
    Task CheckAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task CreateAsync(string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// How many bytes are stored, or null when the store is certain nothing is stored under this id.
    /// Throws <see cref="StorageUnavailableException"/> (or another <see cref="IOException"/>) when it cannot tell.
    /// </summary>
    Task<long?> GetLengthAsync(string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the upload for writing at <paramref name="offset"/> under lease <paramref name="epoch"/>,
    /// dropping anything stored beyond it (bytes a crashed or rejected writer left behind that were
    /// never committed). From then on, writes and truncates of older epochs are refused with
    /// <see cref="StaleWriterException"/>, and so are this stream's once a newer epoch opened the upload.
    /// </summary>
    Task<UploadAppendStream> OpenAppendAsync(string uploadId, long offset, long epoch, CancellationToken cancellationToken);

    /// <summary>Cuts stored bytes back to <paramref name="length"/>, discarding a rejected chunk; refused for a stale epoch.</summary>
    Task TruncateAsync(string uploadId, long length, long epoch, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the <paramref name="length"/> stored bytes of an upload one whole object, before it is read
    /// back and completed; a store whose bytes are always whole has nothing to do. Safe to repeat and to
    /// run twice at once.
    /// </summary>
    Task SealAsync(string uploadId, long length, CancellationToken cancellationToken) => Task.CompletedTask;

    Task<Stream> OpenReadAsync(string uploadId, CancellationToken cancellationToken);

    Task DeleteAsync(string uploadId, CancellationToken cancellationToken);
}
