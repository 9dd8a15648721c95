using System.Text.Json;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// One of the scripts in <c>tests/interop</c> running under Node. It prints one JSON line per event;
/// a test can await a particular line while the script keeps going, and then its last line.
/// </summary>
public sealed class NodeScript : IDisposable
{
    private readonly ChildProcess _process;
    private readonly List<JsonElement> _lines = [];
    private readonly List<(Func<JsonElement, bool> Match, TaskCompletionSource<JsonElement> Seen)> _waits = [];
    private readonly System.Text.StringBuilder _errors = new();

    private NodeScript(string script, string[] arguments) =>
        _process = ChildProcess.Start("node", [script, .. arguments], RepositoryPaths.Interop, Record, line => { lock (_errors) { _errors.AppendLine(line); } });

    public static NodeScript Start(string script, params string[] arguments)
    {
        Assert.True(Directory.Exists(Path.Combine(RepositoryPaths.Interop, "node_modules")), "Run 'npm ci' in tests/interop first.");
        return new NodeScript(script, arguments);
    }

    /// <summary>The first line (already printed or still to come) that matches.</summary>
    public Task<JsonElement> LineAsync(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        lock (_lines)
        {
            foreach (var line in _lines.Where(match))
            {
                return Task.FromResult(line);
            }

            var seen = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((match, seen));
            return seen.Task.WaitAsync(timeout);
        }
    }

    public Task<JsonElement> EventAsync(string name, TimeSpan timeout) =>
        LineAsync(line => line.GetProperty("event").GetString() == name, timeout);

    /// <summary>Waits for the script to end and returns its last line; fails if it exited with an error.</summary>
    public async Task<JsonElement> FinishAsync(TimeSpan timeout)
    {
        try
        {
            await _process.Exited.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            // What the script got through tells where it stuck.
            throw new TimeoutException($"node did not finish within {timeout}; output so far: {string.Join('\n', Lines)}; errors: {_errors}");
        }

        lock (_lines)
        {
            Assert.True(_process.ExitCode == 0 && _lines.Count > 0,
                $"node exited with {_process.ExitCode}; output: {string.Join('\n', _lines)}; errors: {_errors}");
            return _lines[^1];
        }
    }

    public IReadOnlyList<JsonElement> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void Dispose() => _process.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void Record(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !text.StartsWith('{'))
        {
            return;
        }

        var line = JsonDocument.Parse(text).RootElement;
        lock (_lines)
        {
            _lines.Add(line);
            foreach (var wait in _waits.Where(w => w.Match(line)).ToArray())
            {
                wait.Seen.TrySetResult(line);
                _waits.Remove(wait);
            }
        }
    }
}
