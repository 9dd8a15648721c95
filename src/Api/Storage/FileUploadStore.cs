namespace OrleansUploads.Api.Storage;

/// <summary>
/// One file per upload under a folder that every API instance sees. The folder carries a marker file
/// written when the store made it, so a missing file means lost data only when the marker is there:
/// without it the folder is not the store (a volume not mounted, a wrong data path) and nothing is concluded.
/// Writers fence each other through the lock files under <c>.locks</c> (see <see cref="WriterFence"/>).
/// </summary>
/// <param name="flushToDisk">Flushes reach the disk itself (fsync), not only the file system's cache.</param>
public sealed class FileUploadStore : IUploadStore
{
    private const string MarkerName = ".orleans-uploads-store";
    private const string LocksName = ".locks";

    /// <summary>
    /// How many hex digits of an upload's id pick its lock file: 4,096 files, made once each, so that
    /// writers of different uploads seldom wait for each other and no upload makes a lock file of its own.
    /// </summary>
    private const int LockDigits = 3;
    private readonly string _folder;
    private readonly bool _flushToDisk;

    /// <summary>Makes the folder, and marks it, only when it does not exist yet: at start-up, never while serving.</summary>
    public FileUploadStore(string folder, bool flushToDisk)
    {
        (_folder, _flushToDisk) = (folder, flushToDisk);
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, MarkerName), "Upload bytes of OrleansUploads; this file marks the folder as the store.\n");
        }

        Directory.CreateDirectory(Path.Combine(folder, LocksName));
    }

    public Task CreateAsync(string uploadId, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_folder))
        {
            throw new StorageUnavailableException($"The upload store {_folder} is missing; is its volume mounted?");
        }

        using (new FileStream(PathOf(uploadId), FileMode.CreateNew, FileAccess.Write))
        {
        }

        return Task.CompletedTask;
    }

    public Task<long?> GetLengthAsync(string uploadId, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(uploadId));
        if (!file.Exists && !File.Exists(Path.Combine(_folder, MarkerName)))
        {
            throw new StorageUnavailableException($"The upload store {_folder} is missing or not marked as the store; is its volume mounted?");
        }

        return Task.FromResult<long?>(file.Exists ? file.Length : null);
    }

    public Task<UploadAppendStream> OpenAppendAsync(string uploadId, long offset, long epoch, CancellationToken cancellationToken)
    {
        var fence = FenceOf(uploadId, epoch);
        var handle = File.OpenHandle(PathOf(uploadId), FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            fence.Claim(() => RandomAccess.SetLength(handle, offset));
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        return Task.FromResult<UploadAppendStream>(new WriteBehindFileStream(handle, offset, _flushToDisk, fence));
    }

    public Task TruncateAsync(string uploadId, long length, long epoch, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(PathOf(uploadId), FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        FenceOf(uploadId, epoch).Guard(() => stream.SetLength(length));
        return Task.CompletedTask;
    }

    public Task<Stream> OpenReadAsync(string uploadId, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(PathOf(uploadId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true));

    public Task DeleteAsync(string uploadId, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(uploadId));
        WriterFence.Remove(EpochOf(uploadId));
        return Task.CompletedTask;
    }

    // Callers pass only ids the API generated and validated (UploadId.IsValid), never client text.
    private string PathOf(string uploadId) => Path.Combine(_folder, uploadId);

    private WriterFence FenceOf(string uploadId, long epoch) =>
        new(Path.Combine(_folder, LocksName, uploadId[^LockDigits..]), EpochOf(uploadId), epoch);

    private string EpochOf(string uploadId) => PathOf(uploadId) + ".epoch";
}
