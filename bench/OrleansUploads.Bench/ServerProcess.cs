using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansUploads.Bench;

/// <summary>A server under measurement, as its own process on 127.0.0.1, killed when the benchmark ends.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, int port, string dataPath)
    {
        _process = process;
        Port = port;
        DataPath = dataPath;
    }

    public int Port { get; }
    public string DataPath { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Resident memory of the server itself (the child of the <c>timeout</c> wrapper).</summary>
    public long ResidentBytes
    {
        get
        {
            var child = File.ReadAllText($"/proc/{_process.Id}/task/{_process.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            var line = File.ReadLines($"/proc/{child}/status").First(l => l.StartsWith("VmRSS:"));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
    }

    /// <summary>The service (API with its co-hosted silo), built in this configuration.</summary>
    /// <summary>
    /// One benchmark client is one anonymous owner at one address making thousands of requests: the
    /// per-owner limits that guard against abuse would refuse it, so they are raised out of the way.
    /// </summary>
    private static readonly string[] NoAbuseLimits = ["--Limits:MaxActiveUploadsPerOwner=1000000", "--Limits:RequestsPerWindow=1000000"];

    public static Task<ServerProcess> StartServiceAsync(params string[] settings)
    {
        var port = FreePort();
        var data = NewDataPath();
        return StartAsync(port, data, "dotnet", [BenchPaths.ApiAssembly, $"--urls=http://127.0.0.1:{port}", $"--contentRoot={BenchPaths.ApiProject}",
            $"--Storage:DataPath={data}", $"--Cluster:SiloPort={FreePort()}", $"--Cluster:GatewayPort={FreePort()}",
            "--Logging:LogLevel:Default=Warning", .. NoAbuseLimits, .. settings], BenchPaths.ApiProject);
    }

    /// <summary>The baseline: a bare ASP.NET Core endpoint that only streams a body to a file.</summary>
    public static Task<ServerProcess> StartBareEndpointAsync()
    {
        var port = FreePort();
        var data = NewDataPath();
        return StartAsync(port, data, "dotnet", [BenchPaths.Self, BareEndpoint.Mode, port.ToString(), data], AppContext.BaseDirectory);
    }

    /// <summary>The tus reference server for Node with its file store.</summary>
    public static Task<ServerProcess> StartTusNodeServerAsync()
    {
        var port = FreePort();
        var data = NewDataPath();
        return StartAsync(port, data, "node", ["tus-node-server.mjs", port.ToString(), data], BenchPaths.Node);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(DataPath, recursive: true);
    }

    private static async Task<ServerProcess> StartAsync(int port, string dataPath, string program, string[] arguments, string workingDirectory)
    {
        Directory.CreateDirectory(dataPath);
        var process = Process.Start(new ProcessStartInfo("timeout", ["-s", "KILL", "3600", program, .. arguments])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { Console.Error.WriteLine($"  [{program}] {line.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, port, dataPath);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await AcceptsAsync(port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{program} did not start listening on {port}.");
            }

            await Task.Delay(100);
        }

        return server;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var probe = new TcpClient();
            await probe.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string NewDataPath() => Path.Combine(Path.GetTempPath(), "orleans-uploads-bench", Guid.NewGuid().ToString("N"));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
