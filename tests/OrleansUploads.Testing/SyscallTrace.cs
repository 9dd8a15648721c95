namespace OrleansUploads.Testing;

/// <summary>
/// strace attached to a running process and every thread of it (tests run as root), writing the
/// system calls it was told to trace to a file, whose lines are read once the trace is stopped.
/// </summary>
public sealed class SyscallTrace : IAsyncDisposable
{
    private readonly ChildProcess _strace;
    private readonly string _file;

    private SyscallTrace(ChildProcess strace, string file) => (_strace, _file) = (strace, file);

    /// <param name="options">strace's options besides <c>-f -o -p</c>: what to trace and how to print it.</param>
    public static async Task<SyscallTrace> AttachAsync(int processId, params string[] options)
    {
        var file = Path.Combine(Path.GetTempPath(), $"syscalls-{Guid.NewGuid():N}.trace");
        // strace says a process is attached once it holds all its threads ("attached with N threads").
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var strace = ChildProcess.Start("strace", ["-f", "-o", file, .. options, "-p", processId.ToString()],
            output: line => { if (line.Contains("attached")) { attached.TrySetResult(); } });
        await attached.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return new SyscallTrace(strace, file);
    }

    /// <summary>Detaches (SIGINT lets strace write out what it holds) and returns every line it traced.</summary>
    public async Task<string[]> StopAsync()
    {
        await _strace.SignalAsync("INT");
        await _strace.Exited.WaitAsync(TimeSpan.FromSeconds(20));
        return await File.ReadAllLinesAsync(_file);
    }

    public async ValueTask DisposeAsync()
    {
        await _strace.DisposeAsync();
        File.Delete(_file);
    }
}
