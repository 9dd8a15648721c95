namespace OrleansUploads.Testing;

/// <summary>A <c>src/Silo</c> host as a child process on 127.0.0.1, for API instances in client mode.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly string[] _settings;
    private readonly ProcessLog _output = new();
    private ChildProcess? _process;

    private SiloProcess(string dataPath, string[] settings)
    {
        DataPath = dataPath;
        _settings = settings;
    }

    public string DataPath { get; }
    public int SiloPort { get; } = FreePort.Next();
    public int GatewayPort { get; } = FreePort.Next();

    /// <summary>What the silo logged (warnings and worse, unless its settings say more).</summary>
    public string Output => _output.ToString();

    /// <param name="dataPath">Shared with the API instances in front of it; a new folder when null.</param>
    public static async Task<SiloProcess> StartAsync(string? dataPath = null, params string[] settings)
    {
        var silo = new SiloProcess(dataPath ?? DataFolder.New(), settings);
        await silo.RestartAsync();
        return silo;
    }

    /// <summary>Starts the silo (again, after a kill) on the same ports and data folder.</summary>
    public async Task RestartAsync()
    {
        _process = ChildProcess.StartDotnet(RepositoryPaths.SiloAssembly,
            [$"--Cluster:SiloPort={SiloPort}", $"--Cluster:GatewayPort={GatewayPort}", $"--Storage:DataPath={DataPath}", .. _settings], _output.Append);
        try
        {
            await _process.WaitUntilListeningAsync(GatewayPort, TimeSpan.FromSeconds(60), "the silo's gateway");
        }
        catch (InvalidOperationException) when (_process.HasExited)
        {
            // Read to its end first, so that the failure says all the silo wrote.
            await _process.Exited;
            throw new InvalidOperationException($"The silo exited with code {_process.ExitCode}:\n{Output}");
        }
    }

    /// <summary>SIGTERM: the silo leaves the cluster and hands its grains over, then exits by itself.</summary>
    public Task TerminateAsync() => Process.SignalAsync("TERM");

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited => Process.Exited;

    public int ExitCode => Process.ExitCode;

    /// <summary>SIGKILL, as a crash would.</summary>
    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    private ChildProcess Process => _process ?? throw new InvalidOperationException("Not started.");

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        DataFolder.Delete(DataPath);
    }
}
