using Azure;
using Azure.Storage.Blobs;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>One running service that keeps its upload bytes in Azurite, shared by the tests of a collection.</summary>
public sealed class AzureServiceFixture : IAsyncLifetime, IStoreFixture
{
    private const string Container = "uploads";
    private AzuriteServer? _azurite;
    private UploadService? _service;

    public UploadService Service => _service ?? throw new InvalidOperationException("Not started.");

    public AzuriteServer Azurite => _azurite ?? throw new InvalidOperationException("Not started.");

    public HttpClient CreateClient() => Service.CreateClient();

    public async Task<byte[]?> StoredBytesAsync(string uploadId)
    {
        try
        {
            return (await Blob(uploadId).DownloadContentAsync()).Value.Content.ToArray();
        }
        catch (RequestFailedException failure) when (failure.Status == 404)
        {
            return null;
        }
    }

    public Task LoseStoredBytesAsync(string uploadId) => Blob(uploadId).DeleteIfExistsAsync();

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        // Small blocks, so that a test that stalls a body after a megabyte sees it committed.
        _service = await UploadService.StartAsync([.. ServiceFixture.Settings, .. _azurite.StoreSettings(Container), "--Storage:Azure:BlockSize=262144"]);
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    private BlobClient Blob(string uploadId) => new BlobContainerClient(Azurite.ConnectionString, Container).GetBlobClient(uploadId);
}

[CollectionDefinition(Name)]
public sealed class AzureServiceCollection : ICollectionFixture<AzureServiceFixture>
{
    public const string Name = "service on Azure Blob storage";
}
