using System.Diagnostics;
using System.Net.Sockets;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>A <c>src/Silo</c> host as a child process on 127.0.0.1, for API instances in client mode.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly int _siloPort = FreePort.Next();
    private Process _process = null!;

    private SiloProcess(string dataPath, int gatewayPort)
    {
        DataPath = dataPath;
        GatewayPort = gatewayPort;
    }

    public string DataPath { get; }
    public int GatewayPort { get; }

    public static async Task<SiloProcess> StartAsync()
    {
        var silo = new SiloProcess(UploadService.NewDataPath(), FreePort.Next());
        await silo.RestartAsync();
        return silo;
    }

    /// <summary>Starts the silo (again, after a kill) on the same ports and data folder.</summary>
    public async Task RestartAsync()
    {
        _process = ChildProcess.StartDotnet(RepositoryPaths.SiloAssembly,
            [$"--Orleans:SiloPort={_siloPort}", $"--Orleans:GatewayPort={GatewayPort}", $"--Storage:DataPath={DataPath}"], _ => { });
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
