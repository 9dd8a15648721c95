using System.Text.RegularExpressions;

namespace OrleansUploads.Testing;

/// <summary>
/// A storage emulator run by Node from <c>tests/interop</c> on 127.0.0.1: the first start picks a free
/// port and reads it from the emulator's ready line; a restart comes back on the same port (and folder).
/// </summary>
/// <param name="package">The npm package of the emulator, installed in <c>tests/interop</c>.</param>
/// <param name="script">The emulator's entry point, relative to <c>tests/interop</c>.</param>
/// <param name="arguments">The emulator's arguments for a port (0 on the first start).</param>
/// <param name="ready">The line it prints once it listens, with the port as the group <c>port</c>.</param>
/// <param name="folder">Where it keeps what it stores, deleted with it; null when it keeps it in memory.</param>
internal sealed class NodeEmulator(string package, string script, Func<int, string[]> arguments, Regex ready, string? folder) : IAsyncDisposable
{
    private ChildProcess? _process;

    public int Port { get; private set; }

    /// <summary>Starts the emulator (again, after a stop) on the same port and folder.</summary>
    public async Task RestartAsync()
    {
        var entry = Path.Combine(RepositoryPaths.Interop, script);
        if (!File.Exists(entry) || !Directory.Exists(Path.Combine(RepositoryPaths.Interop, "node_modules", package)))
        {
            throw new InvalidOperationException($"{package} is missing: run 'npm ci' in tests/interop.");
        }

        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = ChildProcess.Start("node", [entry, .. arguments(Port)], RepositoryPaths.Interop, line =>
        {
            if (ready.Match(line) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups["port"].Value));
            }
        });
        Port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Stops the emulator as a service restart would (SIGTERM), and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.SignalAsync("TERM");
            await _process.Exited;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        if (folder is not null)
        {
            DataFolder.Delete(folder);
        }
    }
}
