namespace OrleansUploads.Api.Storage;

/// <summary>One file per upload under a folder that every API instance sees.</summary>
public sealed class FileUploadStore(string folder) : IUploadStore
{
    public Task CreateAsync(string uploadId, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        using (new FileStream(PathOf(uploadId), FileMode.CreateNew, FileAccess.Write))
        {
        }

        return Task.CompletedTask;
    }

    public Task<long?> GetLengthAsync(string uploadId, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(uploadId));
        return Task.FromResult<long?>(file.Exists ? file.Length : null);
    }

    public Task<Stream> OpenAppendAsync(string uploadId, long offset, CancellationToken cancellationToken)
    {
        var handle = File.OpenHandle(PathOf(uploadId), FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        RandomAccess.SetLength(handle, offset);
        return Task.FromResult<Stream>(new WriteBehindFileStream(handle, offset));
    }

    public Task TruncateAsync(string uploadId, long length, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(PathOf(uploadId), FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(length);
        return Task.CompletedTask;
    }

    public Task<Stream> OpenReadAsync(string uploadId, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(PathOf(uploadId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true));

    public Task DeleteAsync(string uploadId, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(uploadId));
        return Task.CompletedTask;
    }

    // Callers pass only ids the API generated and validated (UploadId.IsValid), never client text.
    private string PathOf(string uploadId) => Path.Combine(folder, uploadId);
}
