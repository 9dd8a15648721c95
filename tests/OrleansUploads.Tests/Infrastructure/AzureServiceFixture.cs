namespace OrleansUploads.Tests.Infrastructure;

/// <summary>One running service that keeps its upload bytes in Azurite, shared by the tests of a collection.</summary>
public sealed class AzureServiceFixture : IAsyncLifetime, IStoreFixture
{
    private StoreUnderTest? _store;
    private UploadService? _service;

    public UploadService Service => _service ?? throw new InvalidOperationException("Not started.");

    private StoreUnderTest Store => _store ?? throw new InvalidOperationException("Not started.");

    public HttpClient CreateClient() => Service.CreateClient();

    public Task<byte[]?> StoredBytesAsync(string uploadId) => Store.StoredBytesAsync(Service, uploadId);

    public Task LoseStoredBytesAsync(string uploadId) => Store.LoseStoredBytesAsync(Service, uploadId);

    public async Task InitializeAsync()
    {
        _store = await StoreUnderTest.StartAsync(StoreUnderTest.Azure);
        _service = await UploadService.StartAsync([.. ServiceFixture.Settings, .. _store.Settings]);
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzureServiceCollection : ICollectionFixture<AzureServiceFixture>
{
    public const string Name = "service on Azure Blob storage";
}
