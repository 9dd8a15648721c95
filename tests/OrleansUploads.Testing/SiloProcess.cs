using System.Diagnostics;
using System.Net.Sockets;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>A <c>src/Silo</c> host as a child process on 127.0.0.1, for API instances in client mode.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly string[] _settings;
    private Process _process = null!;

    private SiloProcess(string dataPath, string[] settings)
    {
        DataPath = dataPath;
        _settings = settings;
    }

    public string DataPath { get; }
    public int SiloPort { get; } = FreePort.Next();
    public int GatewayPort { get; } = FreePort.Next();

    /// <param name="dataPath">Shared with the API instances in front of it; a new folder when null.</param>
    public static async Task<SiloProcess> StartAsync(string? dataPath = null, params string[] settings)
    {
        var silo = new SiloProcess(dataPath ?? UploadService.NewDataPath(), settings);
        await silo.RestartAsync();
        return silo;
    }

    /// <summary>Starts the silo (again, after a kill) on the same ports and data folder.</summary>
    public async Task RestartAsync()
    {
        _process = ChildProcess.StartDotnet(RepositoryPaths.SiloAssembly,
            [$"--Cluster:SiloPort={SiloPort}", $"--Cluster:GatewayPort={GatewayPort}", $"--Storage:DataPath={DataPath}", .. _settings], _ => { });
        await Eventually.UntilAsync(GatewayAcceptsAsync, open => open, TimeSpan.FromSeconds(60), "the silo's gateway to open");
    }

    /// <summary>SIGKILL, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private async Task<bool> GatewayAcceptsAsync()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException("The silo exited before its gateway opened.");
        }

        try
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync("127.0.0.1", GatewayPort);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
