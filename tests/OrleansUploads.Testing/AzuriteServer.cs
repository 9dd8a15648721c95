using System.Text.RegularExpressions;

namespace OrleansUploads.Testing;

/// <summary>
/// A throwaway Azurite (the Azure Storage emulator, npm <c>azurite</c> in <c>tests/interop</c>) serving
/// only blobs on 127.0.0.1, in memory. It picks its own port and prints it when it listens.
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    // Azurite's well-known development account; the key is public and only opens the emulator.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly ChildProcess _process;

    private AzuriteServer(ChildProcess process, int port) => (_process, Port) = (process, port);

    public int Port { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    /// <summary>The service's settings that put its upload bytes here, in a container of their own.</summary>
    public string[] StoreSettings(string container) =>
        ["--Storage:Kind=azure", $"--Storage:Azure:ConnectionString={ConnectionString}", $"--Storage:Azure:Container={container}"];

    public static async Task<AzuriteServer> StartAsync()
    {
        var main = Path.Combine(RepositoryPaths.Interop, "node_modules", "azurite", "dist", "src", "blob", "main.js");
        if (!File.Exists(main))
        {
            throw new InvalidOperationException("Azurite is missing: run 'npm ci' in tests/interop.");
        }

        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcess.Start("node",
            [main, "--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--disableTelemetry"],
            RepositoryPaths.Interop,
            line =>
            {
                if (ListeningLine().Match(line) is { Success: true } match)
                {
                    listening.TrySetResult(int.Parse(match.Groups["port"].Value));
                }
            });
        try
        {
            return new AzuriteServer(process, await listening.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@"successfully listens on https?://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
