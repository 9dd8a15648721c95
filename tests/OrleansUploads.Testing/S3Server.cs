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

    private readonly string _location;
    private ChildProcess? _process;

    private S3Server(string location) => _location = location;

    public int Port { get; private set; }

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

    /// <summary>Starts the emulator (again, after a kill) on the same port and folder.</summary>
    public async Task RestartAsync()
    {
        var launcher = Path.Combine(RepositoryPaths.Interop, "s3rver-plus.cjs");
        if (!Directory.Exists(Path.Combine(RepositoryPaths.Interop, "node_modules", "s3rver")))
        {
            throw new InvalidOperationException("s3rver is missing: run 'npm ci' in tests/interop.");
        }

        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = ChildProcess.Start("node",
            [launcher, "-d", _location, "-a", "127.0.0.1", "-p", Port.ToString(), "-s"],
            RepositoryPaths.Interop,
            line =>
            {
                if (ListeningLine().Match(line) is { Success: true } match)
                {
                    listening.TrySetResult(int.Parse(match.Groups["port"].Value));
                }
            });
        Port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Stops the emulator as a service restart would (SIGTERM): it finishes the requests under way and exits.
    /// Every object it acknowledged is already in its folder.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.SignalAsync("TERM");
            await _process.Exited;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        DataFolder.Delete(_location);
    }

    [GeneratedRegex(@"S3rver listening on [^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
