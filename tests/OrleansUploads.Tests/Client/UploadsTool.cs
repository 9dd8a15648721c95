using System.Collections.Concurrent;

namespace OrleansUploads.Tests.Client;

/// <summary>The built <c>uploads</c> tool run as a process, as a person or a script would run it.</summary>
public sealed class UploadsTool(params string[] common)
{
    private readonly TaskCompletionSource _firstOutput = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>Completes when the tool writes its first line to standard output.</summary>
    public Task FirstOutput => _firstOutput.Task;

    public ConcurrentQueue<string> Errors { get; } = new();

    public ChildProcess Start(params string[] arguments) =>
        ChildProcess.Start("dotnet", [RepositoryPaths.CliAssembly, .. arguments, .. common], Path.GetDirectoryName(RepositoryPaths.CliAssembly), OnOutput, Errors.Enqueue);

    /// <summary>Runs the tool to its end; returns its exit code (its lines are in <see cref="Output"/> and <see cref="Errors"/>).</summary>
    public async Task<int> RunAsync(params string[] arguments)
    {
        await using var process = Start(arguments);
        await process.Exited.WaitAsync(TimeSpan.FromSeconds(60));
        return process.ExitCode;
    }

    private void OnOutput(string line)
    {
        Output.Enqueue(line);
        _firstOutput.TrySetResult();
    }

    public override string ToString() => $"out:\n{string.Join('\n', Output)}\nerr:\n{string.Join('\n', Errors)}";
}
