using System.Text.RegularExpressions;

namespace OrleansUploads.Testing;

/// <summary>
/// A throwaway S3 emulator (npm <c>s3rver</c> started through <c>tests/interop/s3rver-plus.cjs</c>, which adds
/// what the AWS SDK needs: multipart listing and abort, conditional writes, signature checks) on 127.0.0.1,
/// keeping objects in a folder of its own. The first start picks a free port and prints it; a restart comes
/// back on the same port and folder, with the objects it had.
/// </summary>
public sealed partial class S3Server : IAsyncDisposable
{
    // s3rver's built-in key pair; it only opens the emulator.
    private const string Key = "S3RVER";

    private readonly NodeEmulator _emulator;

    private S3Server(string location) => _emulator = new NodeEmulator(
        "s3rver", "s3rver-plus.cjs", port => ["-d", location, "-a", "127.0.0.1", "-p", port.ToString(), "-s"], ListeningLine(), location);

    public int Port => _emulator.Port;

    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    public string AccessKey => Key;

    public string SecretKey => Key;

    /// <summary>The service's settings that put its upload bytes here, in a bucket of their own.</summary>
    public string[] StoreSettings(string bucket) => StoreSettingsWithSecret(bucket, SecretKey);

    /// <summary>The same settings with another secret key, which the emulator refuses.</summary>
    public string[] StoreSettingsWithSecret(string bucket, string secret) =>
    [
        "--Storage:Kind=s3",
        $"--Storage:S3:ServiceUrl={ServiceUrl}",
        $"--Storage:S3:AccessKey={AccessKey}",
        $"--Storage:S3:SecretKey={secret}",
        $"--Storage:S3:Bucket={bucket}",
        "--Storage:S3:ForcePathStyle=true",
    ];

    public static async Task<S3Server> StartAsync()
    {
        var server = new S3Server(Directory.CreateDirectory(DataFolder.New()).FullName);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the emulator (again, after a stop) on the same port and folder.</summary>
    public Task RestartAsync() => _emulator.RestartAsync();

    /// <summary>
    /// Stops the emulator as a service restart would (SIGTERM): it finishes the requests under way and exits.
    /// Every object it acknowledged is already in its folder.
    /// </summary>
    public Task StopAsync() => _emulator.StopAsync();

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();

    [GeneratedRegex(@"S3rver listening on [^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
