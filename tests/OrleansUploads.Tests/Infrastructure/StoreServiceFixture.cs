namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// One running service with one kind of store behind it, shared by the tests of a collection (each
/// test uses its own uploads), and a way to look at the store directly: the protocol suites take it
/// as their parameter and run once for each store.
/// </summary>
public abstract class StoreServiceFixture(string kind) : IAsyncLifetime
{
    private StoreUnderTest? _store;
    private UploadService? _service;

    public UploadService Service => _service ?? throw new InvalidOperationException("Not started.");

    private StoreUnderTest Store => _store ?? throw new InvalidOperationException("Not started.");

    public HttpClient CreateClient() => Service.CreateClient();

    /// <summary>What the store holds for an upload, or null when it holds nothing under that id.</summary>
    public Task<byte[]?> StoredBytesAsync(string uploadId) => Store.StoredBytesAsync(Service, uploadId);

    /// <inheritdoc cref="StoreUnderTest.HoldsNothingAsync"/>
    public Task<bool> HoldsNothingAsync(string uploadId) => Store.HoldsNothingAsync(Service, uploadId);

    /// <summary>Removes an upload's bytes behind the service's back, as a lost volume or a deleted blob would.</summary>
    public Task LoseStoredBytesAsync(string uploadId) => Store.LoseStoredBytesAsync(Service, uploadId);

    /// <inheritdoc cref="StoreUnderTest.CommitUnit"/>
    public int CommitUnit => Store.CommitUnit;

    public bool ReadsWhileRunning => kind != StoreUnderTest.S3;

    public async Task InitializeAsync()
    {
        _store = await StoreUnderTest.StartAsync(kind);
        _service = await UploadService.StartAsync([.. _store.Settings, "--Uploads:MaxSizeBytes=1073741824", "--Limits:RequestsPerWindow=1000000"]);
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

/// <summary>The service on the file store.</summary>
public sealed class ServiceFixture() : StoreServiceFixture(StoreUnderTest.File);

/// <summary>The service keeping its upload bytes in Azurite.</summary>
public sealed class AzureServiceFixture() : StoreServiceFixture(StoreUnderTest.Azure);

/// <summary>The service keeping its upload bytes in an S3 emulator.</summary>
public sealed class S3ServiceFixture() : StoreServiceFixture(StoreUnderTest.S3);

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}

[CollectionDefinition(Name)]
public sealed class AzureServiceCollection : ICollectionFixture<AzureServiceFixture>
{
    public const string Name = "service on Azure Blob storage";
}

[CollectionDefinition(Name)]
public sealed class S3ServiceCollection : ICollectionFixture<S3ServiceFixture>
{
    public const string Name = "service on S3";
}
