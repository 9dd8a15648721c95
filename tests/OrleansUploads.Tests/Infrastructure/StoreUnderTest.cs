using Azure;
using Azure.Storage.Blobs;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// The store a service under test keeps its upload bytes in, <c>file</c> or <c>azure</c> (a throwaway
/// Azurite): the settings that choose it, and a look at what it holds, behind the service's back.
/// </summary>
public sealed class StoreUnderTest : IAsyncDisposable
{
    public const string File = "file";
    public const string Azure = "azure";
    private const string Container = "uploads";

    private readonly AzuriteServer? _azurite;

    private StoreUnderTest(AzuriteServer? azurite) => _azurite = azurite;

    /// <summary>
    /// What the service runs with to use this store. Blocks are small, so that a test that stalls a
    /// body after a megabyte sees it committed.
    /// </summary>
    public string[] Settings => _azurite is null ? [] : [.. _azurite.StoreSettings(Container), "--Storage:Azure:BlockSize=262144"];

    public static async Task<StoreUnderTest> StartAsync(string kind) =>
        new(kind == Azure ? await AzuriteServer.StartAsync() : null);

    /// <summary>What the store holds for an upload, or null when it holds nothing under that id.</summary>
    public async Task<byte[]?> StoredBytesAsync(UploadService service, string uploadId)
    {
        if (_azurite is null)
        {
            var path = service.StoredFile(uploadId);
            return System.IO.File.Exists(path) ? await System.IO.File.ReadAllBytesAsync(path) : null;
        }

        try
        {
            return (await Blob(uploadId).DownloadContentAsync()).Value.Content.ToArray();
        }
        catch (RequestFailedException failure) when (failure.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Removes an upload's bytes behind the service's back, as a lost volume or a deleted blob would.</summary>
    public async Task LoseStoredBytesAsync(UploadService service, string uploadId)
    {
        if (_azurite is null)
        {
            System.IO.File.Delete(service.StoredFile(uploadId));
        }
        else
        {
            await Blob(uploadId).DeleteIfExistsAsync();
        }
    }

    public ValueTask DisposeAsync() => _azurite?.DisposeAsync() ?? ValueTask.CompletedTask;

    private BlobClient Blob(string uploadId) => new BlobContainerClient(_azurite!.ConnectionString, Container).GetBlobClient(uploadId);
}
