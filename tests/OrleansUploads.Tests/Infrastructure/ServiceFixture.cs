namespace OrleansUploads.Tests.Infrastructure;

/// <summary>One running service on the file store, shared by the tests of a collection; each test uses its own uploads.</summary>
public sealed class ServiceFixture : IAsyncLifetime, IStoreFixture
{
    private UploadService? _service;

    public UploadService Service => _service ?? throw new InvalidOperationException("Not started.");

    public HttpClient CreateClient() => Service.CreateClient();

    public async Task<byte[]?> StoredBytesAsync(string uploadId) =>
        File.Exists(Service.StoredFile(uploadId)) ? await File.ReadAllBytesAsync(Service.StoredFile(uploadId)) : null;

    public Task LoseStoredBytesAsync(string uploadId)
    {
        File.Delete(Service.StoredFile(uploadId));
        return Task.CompletedTask;
    }

    public async Task InitializeAsync() => _service = await UploadService.StartAsync(Settings);

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
