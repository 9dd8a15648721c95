namespace OrleansUploads.Tests.Infrastructure;

/// <summary>One running service shared by the tests of a collection; each test uses its own uploads.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private UploadService? _service;

    public UploadService Service => _service ?? throw new InvalidOperationException("Not started.");

    public HttpClient CreateClient() => Service.CreateClient();

    public async Task InitializeAsync() => _service = await UploadService.StartAsync("--Uploads:MaxSizeBytes=1073741824", "--Limits:RequestsPerWindow=1000000");

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
