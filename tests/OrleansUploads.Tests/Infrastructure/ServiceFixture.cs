namespace OrleansUploads.Tests.Infrastructure;

/// <summary>One running service on the file store, shared by the tests of a collection; each test uses its own uploads.</summary>
public sealed class ServiceFixture : IAsyncLifetime, IStoreFixture
{
    private UploadService? _service;
    private StoreUnderTest? _files;

    public UploadService Service => _service ?? throw new InvalidOperationException("Not started.");

    public HttpClient CreateClient() => Service.CreateClient();

    public Task<byte[]?> StoredBytesAsync(string uploadId) => Files.StoredBytesAsync(Service, uploadId);

    public Task LoseStoredBytesAsync(string uploadId) => Files.LoseStoredBytesAsync(Service, uploadId);

    private StoreUnderTest Files => _files ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _files = await StoreUnderTest.StartAsync(StoreUnderTest.File);
        _service = await UploadService.StartAsync(Settings);
    }

    /// <summary>What every protocol suite's service runs with, whatever its store.</summary>
    public static readonly string[] Settings = ["--Uploads:MaxSizeBytes=1073741824", "--Limits:RequestsPerWindow=1000000"];

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}
