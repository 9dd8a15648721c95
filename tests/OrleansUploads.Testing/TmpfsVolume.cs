namespace OrleansUploads.Testing;

/// <summary>
/// A small RAM disk mounted at a folder (needs root, as the test machines run), so a test can fill a
/// disk for real: writes past its size fail with ENOSPC as they would on a full volume.
/// </summary>
public sealed class TmpfsVolume : IAsyncDisposable
{
    private TmpfsVolume(string path) => Path = path;

    public string Path { get; }

    public static async Task<TmpfsVolume> MountAsync(string path, long bytes)
    {
        Directory.CreateDirectory(path);
        await RunAsync("mount", ["-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path]);
        return new TmpfsVolume(path);
    }

    /// <summary>Remounts the disk read-only (true) or writable again (false), as a failing volume does.</summary>
    public Task ReadOnlyAsync(bool readOnly) => RunAsync("mount", ["-o", readOnly ? "remount,ro" : "remount,rw", Path]);

    public async ValueTask DisposeAsync() => await RunAsync("umount", ["-l", Path]);

    private static async Task RunAsync(string program, string[] arguments)
    {
        var output = new System.Text.StringBuilder();
        await using var process = ChildProcess.Start(program, arguments, output: line => output.AppendLine(line));
        await process.Exited;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {output}");
        }
    }
}
