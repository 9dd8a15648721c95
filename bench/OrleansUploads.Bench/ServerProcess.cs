using OrleansUploads.Testing;

namespace OrleansUploads.Bench;

/// <summary>A server under measurement, as its own process on 127.0.0.1, killed when the benchmark ends.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>
    /// One benchmark client is one anonymous owner at one address making thousands of requests: the
    /// per-owner limits that guard against abuse would refuse it, so they are raised out of the way.
    /// </summary>
    private static readonly string[] NoAbuseLimits = ["--Limits:MaxActiveUploadsPerOwner=1000000", "--Limits:RequestsPerWindow=1000000"];

    private readonly IAsyncDisposable _owner;
    private readonly Func<long> _residentBytes;
    private readonly Func<double> _cpuSeconds;

    private ServerProcess(IAsyncDisposable owner, int port, string dataPath, Func<long> residentBytes, Func<double> cpuSeconds)
    {
        (_owner, Port, DataPath, _residentBytes, _cpuSeconds) = (owner, port, dataPath, residentBytes, cpuSeconds);
    }

    public int Port { get; }
    public string DataPath { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Resident memory of the server itself.</summary>
    public long ResidentBytes => _residentBytes();

    /// <summary>CPU time the server itself has used so far.</summary>
    public double CpuSeconds => _cpuSeconds();

    /// <summary>The service (API with its co-hosted silo), built in this configuration.</summary>
    public static async Task<ServerProcess> StartServiceAsync(params string[] settings)
    {
        var service = await UploadService.StartAsync([.. NoAbuseLimits, .. settings]);
        return new ServerProcess(new FailuresEchoed(service), service.HttpPort, service.DataPath, () => service.ResidentBytes, () => service.CpuSeconds);
    }

    /// <summary>The baseline: a bare ASP.NET Core endpoint that only streams a body to a file.</summary>
    public static Task<ServerProcess> StartBareEndpointAsync() =>
        StartListeningAsync("dotnet", port => [Path.Combine(AppContext.BaseDirectory, "OrleansUploads.Bench.dll"), BareEndpoint.Mode, port], AppContext.BaseDirectory);

    /// <summary>The tus reference server for Node with its file store.</summary>
    public static Task<ServerProcess> StartTusNodeServerAsync() =>
        StartListeningAsync("node", port => ["tus-node-server.mjs", port], RepositoryPaths.BenchNode);

    public async ValueTask DisposeAsync()
    {
        await _owner.DisposeAsync();
        DataFolder.Delete(DataPath);
    }

    /// <param name="arguments">The program's arguments for its port; the data folder follows them.</param>
    private static async Task<ServerProcess> StartListeningAsync(string program, Func<string, string[]> arguments, string workingDirectory)
    {
        var port = FreePort.Next();
        var data = DataFolder.New("orleans-uploads-bench");
        Directory.CreateDirectory(data);
        var process = ChildProcess.Start(program, [.. arguments(port.ToString()), data], workingDirectory, errors: line => Console.Error.WriteLine($"  [{program}] {line}"));
        await process.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(90), program);
        return new ServerProcess(process, port, data, () => process.ResidentBytes, () => process.CpuSeconds);
    }

    /// <summary>
    /// The service logs why it answered 500 only into its own output; a benchmark that fails on such
    /// an answer needs that reason beside its own error, so the service's failures go to stderr when it stops.
    /// </summary>
    private sealed class FailuresEchoed(UploadService service) : IAsyncDisposable
    {
        /// <summary>The time each output line is stamped with ("HH:mm:ss.fff ").</summary>
        private const int StampWidth = 13;

        public async ValueTask DisposeAsync()
        {
            await service.DisposeAsync();
            var failing = false;
            foreach (var line in service.Output.Split('\n'))
            {
                // A log entry's first line names its level; the lines after it, indented, belong to it.
                var entry = line.Length > StampWidth ? line[StampWidth..] : line;
                failing = entry.StartsWith("fail: ", StringComparison.Ordinal) || entry.StartsWith("crit: ", StringComparison.Ordinal) || (failing && entry.StartsWith(' '));
                if (failing)
                {
                    Console.Error.WriteLine($"  [service {service.HttpPort}] {entry}");
                }
            }
        }
    }
}
