using System.Diagnostics;

namespace OrleansUploads.Tests.Infrastructure;

public static class ChildProcess
{
    /// <summary>
    /// Runs one of this repository's programs under <c>timeout</c>, so it is killed even if the test
    /// run that started it dies; every line it prints goes to <paramref name="output"/>.
    /// </summary>
    public static Process StartDotnet(string assembly, IEnumerable<string> arguments, Action<string> output)
    {
        var start = new ProcessStartInfo("timeout", ["-s", "KILL", "900", "dotnet", assembly, "--Logging:LogLevel:Default=Warning", .. arguments])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { output(line.Data); } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { output(line.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
