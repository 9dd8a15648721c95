using System.Security.Cryptography;
using OrleansUploads.Client;

namespace OrleansUploads.Tests.Client;

/// <summary>
/// A service of its own for the client library and the <c>uploads</c> tool (they leave unfinished uploads
/// behind, which must not count against other suites' limits), and a scratch folder for the files they send.
/// </summary>
public sealed class ClientServiceFixture : IAsyncLifetime
{
    private UploadService? _service;

    public UploadService Service => _service ?? throw new InvalidOperationException("Not started.");

    public string Scratch { get; } = DataFolder.New("orleans-uploads-client-tests");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Scratch);
        _service = await UploadService.StartAsync("--Limits:RequestsPerWindow=1000000");
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        DataFolder.Delete(Scratch);
    }

    public UploadsClient NewClient(int chunkSize = 128 << 10, HttpMessageHandler? handler = null, AccessTokenProvider? token = null) => ClientOf(Service, chunkSize, handler, token);

    public static UploadsClient ClientOf(UploadService service, int chunkSize = 128 << 10, HttpMessageHandler? handler = null, AccessTokenProvider? token = null) =>
        new(new UploadsClientOptions
        {
            Server = service.BaseAddress,
            ChunkSize = chunkSize,
            Handler = handler,
            AccessToken = token,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(500),
        });

    /// <summary>A new file of random bytes under the scratch folder.</summary>
    public (string Path, byte[] Bytes) NewFile(int length, string extension = ".bin")
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        var path = Path.Combine(Scratch, Guid.NewGuid().ToString("N") + extension);
        File.WriteAllBytes(path, bytes);
        return (path, bytes);
    }

    public string NewPath(string extension = ".json") => Path.Combine(Scratch, Guid.NewGuid().ToString("N") + extension);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

[CollectionDefinition(Name)]
public sealed class ClientCollection : ICollectionFixture<ClientServiceFixture>
{
    public const string Name = "client library and tool";
}
