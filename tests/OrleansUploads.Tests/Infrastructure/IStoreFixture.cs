namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// A running service with one kind of store behind it, and a way to look at the store directly: the
/// protocol suites take it as their parameter and run once for each store.
/// </summary>
public interface IStoreFixture
{
    UploadService Service { get; }

    HttpClient CreateClient();

    /// <summary>What the store holds for an upload, or null when it holds nothing under that id.</summary>
    Task<byte[]?> StoredBytesAsync(string uploadId);

    /// <summary>Removes an upload's bytes behind the service's back, as a lost volume or a deleted blob would.</summary>
    Task LoseStoredBytesAsync(string uploadId);
}
