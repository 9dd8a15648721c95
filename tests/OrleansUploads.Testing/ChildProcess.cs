using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansUploads.Testing;

/// <summary>
/// A program this run starts, wrapped in <c>timeout -s KILL</c> so it is killed even if the run that
/// started it dies. Every line it prints goes to the given output.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const string RecompilationDelaySetting = "DOTNET_TC_CallCountingDelayMs";

    private readonly Process _process;

    private bool _disposed;

    private ChildProcess(Process process) => _process = process;

    /// <summary>How long any child may live: long enough for a full benchmark, short enough to clean up after a crash.</summary>
    public static TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a .NET program waits for its start to go quiet before the runtime recompiles its busy
    /// methods with full optimization (<see langword="null"/>: the runtime's 100 ms). A service a test
    /// starts lives seconds, and on two cores those recompilations cost it more CPU than the test asks
    /// of it: a start and forty small uploads took 5.7 to 6.7 s of CPU, and 3.7 to 4.2 s with 5 s. The
    /// code that runs is the same, less optimized for a while; a benchmark that measures speed sets none.
    /// </summary>
    public static TimeSpan? RecompilationDelay { get; set; } = TimeSpan.FromSeconds(5);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Completes when the process has exited and everything it printed was read.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>The program itself (the child of the <c>timeout</c> wrapper).</summary>
    public int ProgramId =>
        int.Parse(File.ReadAllText($"/proc/{_process.Id}/task/{_process.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);

    /// <summary>Resident memory of the program.</summary>
    /// <summary>CPU time the program has used so far, user and kernel (from <c>/proc</c>, in the kernel's 1/100 s ticks).</summary>
    public double CpuSeconds
    {
        get
        {
            var stat = File.ReadAllText($"/proc/{ProgramId}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
        }
    }

    public long ResidentBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{ProgramId}/status").First(l => l.StartsWith("VmRSS:"));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
    }

    /// <param name="errors">Where standard error goes; with <paramref name="output"/> when not given.</param>
    public static ChildProcess Start(
        string program, IEnumerable<string> arguments, string? workingDirectory = null, Action<string>? output = null, Action<string>? errors = null)
    {
        errors ??= output;
        var process = new Process
        {
            StartInfo = new ProcessStartInfo("timeout", ["-s", "KILL", ((int)Lifetime.TotalSeconds).ToString(), program, .. arguments])
            {
                WorkingDirectory = workingDirectory ?? "",
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            },
        };
        if (RecompilationDelay is { } delay)
        {
            process.StartInfo.Environment[RecompilationDelaySetting] = ((int)delay.TotalMilliseconds).ToString();
        }
        else
        {
            process.StartInfo.Environment.Remove(RecompilationDelaySetting);
        }

        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { output?.Invoke(line.Data); } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { errors?.Invoke(line.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>One of this repository's .NET programs, from its build output, logging warnings and worse.</summary>
    public static ChildProcess StartDotnet(string assembly, IEnumerable<string> arguments, Action<string>? output = null) =>
        Start("dotnet", [assembly, "--Logging:LogLevel:Default=Warning", .. arguments], Path.GetDirectoryName(assembly), output);

    /// <summary>Waits until something accepts connections on the loopback <paramref name="port"/>; fails if the program exits first.</summary>
    public Task WaitUntilListeningAsync(int port, TimeSpan timeout, string what) =>
        Eventually.UntilAsync(
            async () => HasExited ? throw new InvalidOperationException($"{what} exited before it listened on {port}.") : await AcceptsAsync(port),
            open => open, timeout, $"{what} to listen on {port}");

    /// <summary>Sends the program a signal (<c>TERM</c>, <c>STOP</c>, <c>CONT</c>, ...).</summary>
    public async Task SignalAsync(string signal)
    {
        await using var kill = Start("kill", [$"-{signal}", ProgramId.ToString()]);
        await kill.Exited;
    }

    /// <summary>SIGKILL, as a crash would: nothing gets to flush or say goodbye.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Kills and forgets the program; a second call (a test stopped it early) does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await KillAsync();
        _process.Dispose();
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
}
