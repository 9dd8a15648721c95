using System.Collections.Concurrent;

namespace OrleansUploads.Tests.Architecture;

/// <summary>
/// The hosts read <c>appsettings.json</c> from their content root, the working directory, and keep
/// <c>data</c> relative to it. So <c>dotnet run --project src/X</c> must start each of them in its own
/// project folder, wherever it is called from, as the web SDK does for the API by default.
/// </summary>
/// <remarks>
/// Asks MSBuild for the folder <c>dotnet run</c> would use rather than starting the hosts: that is what
/// decides it, and it takes seconds where a run through <c>dotnet run</c> takes a build.
/// </remarks>
public sealed class HostRunTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    /// <summary>Every project with its own <c>appsettings.json</c>: each is a host that reads it.</summary>
    public static TheoryData<string> Hosts => [.. Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "src"), "appsettings.json", SearchOption.AllDirectories)
        .Select(settings => Path.GetDirectoryName(settings)!)
        .Where(folder => Directory.EnumerateFiles(folder, "*.csproj").Any())
        .Select(folder => Path.GetRelativePath(RepositoryPaths.Root, folder))];

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Dotnet_run_starts_each_host_in_its_project_folder(string host)
    {
        var folder = Path.Combine(RepositoryPaths.Root, host);
        var project = Directory.EnumerateFiles(folder, "*.csproj").Single();
        var (output, errors) = (new ConcurrentQueue<string>(), new ConcurrentQueue<string>());

        await using var msbuild = ChildProcess.Start("dotnet", ["msbuild", project, "-getProperty:RunWorkingDirectory"], output: output.Enqueue, errors: errors.Enqueue);
        await msbuild.Exited.WaitAsync(Patience);

        Assert.True(msbuild.ExitCode == 0, string.Join('\n', [.. output, .. errors]));
        Assert.Equal(folder, string.Concat(output).Trim().TrimEnd(Path.DirectorySeparatorChar));
    }
}
