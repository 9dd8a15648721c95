using System.Diagnostics;
using System.Net.Sockets;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>A <c>src/Silo</c> host as a child process on 127.0.0.1, for API instances in client mode.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, string dataPath, int gatewayPort)
    {
        _process = process;
        DataPath = dataPath;
        GatewayPort = gatewayPort;
    }

    public string DataPath { get; }
    public int GatewayPort { get; }

    public static async Task<SiloProcess> StartAsync()
    {
        var dataPath = UploadService.NewDataPath();
        var gatewayPort = FreePort.Next();
        var start = new ProcessStartInfo("timeout", ["-s", "KILL", "900", "dotnet", RepositoryPaths.SiloAssembly,
            $"--Orleans:SiloPort={FreePort.Next()}", $"--Orleans:GatewayPort={gatewayPort}", $"--Storage:DataPath={dataPath}",
            "--Logging:LogLevel:Default=Warning"])
        {
            WorkingDirectory = Path.GetDirectoryName(RepositoryPaths.SiloAssembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(process, dataPath, gatewayPort);
        await Eventually.UntilAsync(silo.GatewayAcceptsAsync, open => open, TimeSpan.FromSeconds(60), "the silo's gateway to open");
        return silo;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

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
