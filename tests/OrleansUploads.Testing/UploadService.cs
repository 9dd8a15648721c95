
namespace OrleansUploads.Testing;

/// <summary>
/// The real service (<c>src/Api</c>, by default with its co-hosted silo) as a child process on
/// 127.0.0.1, with its own data folder and ports.
/// </summary>
public sealed class UploadService : IAsyncDisposable
{
    private readonly string[] _settings;
    private readonly ProcessLog _output = new();
    private readonly bool _ownsData;
    private ChildProcess? _process;

    private UploadService(string dataPath, int httpPort, string[] settings, bool ownsData, int gatewayPort = 0)
    {
        DataPath = dataPath;
        HttpPort = httpPort;
        GatewayPort = gatewayPort;
        _settings = settings;
        _ownsData = ownsData;
    }

    public string DataPath { get; }
    public int HttpPort { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>The gateway of the co-hosted silo, where API instances in client mode join it (0 for an instance in client mode).</summary>
    public int GatewayPort { get; }

    public long ResidentBytes => Process.ResidentBytes;

    public double CpuSeconds => Process.CpuSeconds;

    /// <summary>The service's own process id (not its <c>timeout</c> wrapper's).</summary>
    public int ProcessId => Process.ProgramId;

    public string Output => _output.ToString();

    public string StoredFile(string uploadId) => Path.Combine(DataPath, "files", uploadId);

    private ChildProcess Process => _process ?? throw new InvalidOperationException("Not started.");

    public static Task<UploadService> StartAsync(params string[] settings) => StartAsync(DataFolder.New(), ownsData: true, settings);

    /// <summary>The service on a data folder the caller prepared (and deletes).</summary>
    public static Task<UploadService> StartInAsync(string dataPath, params string[] settings) => StartAsync(dataPath, ownsData: false, settings);

    private static async Task<UploadService> StartAsync(string dataPath, bool ownsData, string[] settings)
    {
        var gatewayPort = FreePort.Next();
        var service = new UploadService(dataPath, FreePort.Next(), [
            $"--Cluster:SiloPort={FreePort.Next()}", $"--Cluster:GatewayPort={gatewayPort}", .. settings], ownsData, gatewayPort);
        await service.RestartAsync();
        return service;
    }

    /// <summary>An API instance in client mode in front of <paramref name="silo"/>, sharing its data folder.</summary>
    public static Task<UploadService> StartClientAsync(SiloProcess silo, params string[] settings) =>
        StartClientAsync(silo.DataPath, [$"--Cluster:GatewayPort={silo.GatewayPort}", .. settings]);

    /// <summary>An API instance in client mode in front of the silo that <paramref name="service"/> hosts, sharing its data folder.</summary>
    public static Task<UploadService> StartClientAsync(UploadService service, params string[] settings) =>
        StartClientAsync(service.DataPath, [$"--Cluster:GatewayPort={service.GatewayPort}", .. settings]);

    /// <summary>An API instance in client mode; <paramref name="settings"/> say how it finds the cluster.</summary>
    public static async Task<UploadService> StartClientAsync(string dataPath, params string[] settings)
    {
        var service = new UploadService(dataPath, FreePort.Next(), ["--Cluster:Mode=client", .. settings], ownsData: false);
        await service.RestartAsync();
        return service;
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Starts the process (again, after a kill) on the same data folder and ports.</summary>
    public async Task RestartAsync()
    {
        _process = ChildProcess.StartDotnet(RepositoryPaths.ApiAssembly,
            [$"--urls=http://127.0.0.1:{HttpPort}", $"--contentRoot={RepositoryPaths.ApiProject}", $"--Storage:DataPath={DataPath}", .. _settings], _output.Append);

        using var client = CreateClient();
        await Eventually.UntilAsync(
            async () => _process.HasExited ? throw await ExitedAsync() : await IsReadyAsync(client),
            ready => ready, TimeSpan.FromSeconds(60), "the service to answer");
    }

    /// <summary>The failure of a start the process did not survive, with its exit code and all it wrote (read to its end first).</summary>
    private async Task<Exception> ExitedAsync()
    {
        await Process.Exited;
        return new InvalidOperationException($"Service exited with code {Process.ExitCode}:\n{Output}");
    }

    /// <summary>SIGSTOP: the process stops dead, as one that hangs on a disk or loses the network would, until <see cref="ThawAsync"/>.</summary>
    public Task FreezeAsync() => Process.SignalAsync("STOP");

    public Task ThawAsync() => Process.SignalAsync("CONT");

    /// <summary>SIGTERM, as an orchestrator stopping the instance sends: it drains, then exits by itself.</summary>
    public Task TerminateAsync() => Process.SignalAsync("TERM");

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited => Process.Exited;

    public int ExitCode => Process.ExitCode;

    /// <summary>SIGKILL, as a crash would: nothing gets to flush or say goodbye.</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        if (_ownsData)
        {
            DataFolder.Delete(DataPath);
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient client)
    {
        try
        {
            // Any answer will do (with authentication on, the API answers 401): Kestrel listens only
            // once the co-hosted silo or the cluster client has started.
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/uploads"));
            return (int)response.StatusCode < 500;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
