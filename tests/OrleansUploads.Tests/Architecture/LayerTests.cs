using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace OrleansUploads.Tests.Architecture;

/// <summary>
/// The project and folder dependencies the README's architecture section draws, read from the project
/// files and the <c>using</c> lines: executables are never referenced, and inside the API each folder
/// only uses folders below it.
/// </summary>
public sealed partial class LayerTests
{
    /// <summary>
    /// The API's folders from the top: HTTP and SignalR doors, the protocol and caller helpers they use,
    /// the upload operations, then storage and limits. A folder may use only folders of a higher rank.
    /// </summary>
    private static readonly Dictionary<string, int> ApiRanks = new()
    {
        ["Hosting"] = 0,
        ["Apis"] = 1,
        ["Progress"] = 1,
        ["Tus"] = 2,
        ["Access"] = 2,
        ["Uploads"] = 3,
        ["Hooks"] = 4,
        ["Limits"] = 5,
        ["Storage"] = 5,
    };

    private static string Source => Path.Combine(RepositoryPaths.Root, "src");

    [Fact]
    public void No_project_references_an_executable()
    {
        var projects = Directory.EnumerateFiles(RepositoryPaths.Root, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .ToDictionary(Path.GetFullPath, XDocument.Load);
        var executables = projects.Where(p => p.Value.Descendants("OutputType").Any(o => o.Value == "Exe")).Select(p => p.Key).ToHashSet();
        var offending =
            from project in projects
            from reference in project.Value.Descendants("ProjectReference")
            where reference.Attribute("ReferenceOutputAssembly")?.Value != "false"
            let target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project.Key)!, reference.Attribute("Include")!.Value.Replace('\\', '/')))
            where executables.Contains(target)
            select $"{Path.GetRelativePath(RepositoryPaths.Root, project.Key)} -> {Path.GetRelativePath(RepositoryPaths.Root, target)}";
        Assert.Empty(offending);
    }

    [Fact]
    public void Api_folders_only_use_folders_below_them()
    {
        var offending =
            from file in ApiSources()
            let folder = FolderOf(file)
            from used in UsedApiFolders(file)
            where !(ApiRanks.ContainsKey(folder) && ApiRanks.ContainsKey(used) && ApiRanks[used] > ApiRanks[folder])
            select $"{Path.GetRelativePath(Source, file)} uses {used}";
        Assert.Empty(offending);
    }

    [Fact]
    public void Protocol_helpers_are_used_from_the_doors_only()
    {
        var users = ApiSources().Where(file => UsedApiFolders(file).Contains("Tus")).Select(FolderOf).Distinct();
        Assert.Equal(["Apis"], users);
    }

    [Fact]
    public void Every_api_file_sits_in_the_folder_its_namespace_names()
    {
        var offending = ApiSources()
            .Where(file => FolderOf(file) is var folder && !File.ReadLines(file).Contains($"namespace OrleansUploads.Api.{folder};"))
            .Select(file => Path.GetRelativePath(Source, file));
        Assert.Empty(offending);
    }

    [Fact]
    public void Source_files_stay_small()
    {
        var large = Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(Source, "Api", "ClientApp", "src"), "*.js"))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && File.ReadLines(file).Count() > 250)
            .Select(file => Path.GetRelativePath(Source, file));
        Assert.Empty(large);
    }

    private static IEnumerable<string> ApiSources() =>
        Directory.EnumerateFiles(Path.Combine(Source, "Api"), "*.cs", SearchOption.AllDirectories)
            .Where(file => Path.GetRelativePath(Path.Combine(Source, "Api"), file).Split(Path.DirectorySeparatorChar) is [var top, _] && top is not ("obj" or "bin"));

    private static string FolderOf(string file) => Path.GetFileName(Path.GetDirectoryName(file)!);

    private static IEnumerable<string> UsedApiFolders(string file) =>
        File.ReadLines(file).Select(line => ApiUsing().Match(line)).Where(m => m.Success).Select(m => m.Groups[1].Value);

    [GeneratedRegex(@"^using (?:static )?OrleansUploads\.Api\.(\w+)")]
    private static partial Regex ApiUsing();
}
