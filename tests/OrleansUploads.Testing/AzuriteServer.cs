using System.Text.RegularExpressions;

namespace OrleansUploads.Testing;

/// <summary>
/// A throwaway Azurite (the Azure Storage emulator, npm <c>azurite</c> in <c>tests/interop</c>) serving
/// only blobs on 127.0.0.1, in memory or, to survive a restart, in a folder of its own. The first start
/// picks a free port and prints it; a restart comes back on the same one.
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    // Azurite's well-known development account; the key is public and only opens the emulator.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly NodeEmulator _emulator;

    private AzuriteServer(string? location) => _emulator = new NodeEmulator(
        "azurite", Path.Combine("node_modules", "azurite", "dist", "src", "blob", "main.js"),
        port => ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(), .. location is null ? ["--inMemoryPersistence"] : (string[])["--location", location],
            "--silent", "--skipApiVersionCheck", "--disableTelemetry"],
        ListeningLine(), location);

    public int Port => _emulator.Port;

    public string ConnectionString => ConnectionStringWith(AccountKey);

    /// <summary>The same account with another key, which the emulator refuses.</summary>
    public string ConnectionStringWith(string accountKey) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={accountKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    /// <summary>The service's settings that put its upload bytes here, in a container of their own.</summary>
    public string[] StoreSettings(string container) =>
        ["--Storage:Kind=azure", $"--Storage:Azure:ConnectionString={ConnectionString}", $"--Storage:Azure:Container={container}"];

    /// <param name="persistent">Keep blobs in a folder, so they outlive a kill and a restart.</param>
    public static async Task<AzuriteServer> StartAsync(bool persistent = false)
    {
        var server = new AzuriteServer(persistent ? Directory.CreateDirectory(DataFolder.New()).FullName : null);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the emulator (again, after a stop) on the same port and folder.</summary>
    public Task RestartAsync() => _emulator.RestartAsync();

    /// <summary>
    /// Stops the emulator as a service restart would (SIGTERM): it writes what it holds to its folder
    /// first. A SIGKILL could lose blobs it had acknowledged, which the real service never does.
    /// </summary>
    public Task StopAsync() => _emulator.StopAsync();

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();

    [GeneratedRegex(@"successfully listens on https?://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
