using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace OrleansUploads.Tests.Architecture;

/// <summary>
/// The project and folder dependencies the README's architecture section draws, read from the project
/// files, the <c>using</c> lines and fully-qualified names in code: executables are never referenced, and
/// inside the API each folder (with every folder nested in it) only uses folders below it.
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
            .Where(file => !File.ReadLines(file).Contains($"namespace {NamespaceOf(file)};"))
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

    /// <summary>The API's sources in its folders, however deep; not <c>Program.cs</c> at the top, which only composes.</summary>
    private static IEnumerable<string> ApiSources() =>
        Directory.EnumerateFiles(ApiRoot, "*.cs", SearchOption.AllDirectories)
            .Where(file => PathInApi(file) is [var top, _, ..] && top is not ("obj" or "bin"));

    private static string ApiRoot => Path.Combine(Source, "Api");

    private static string[] PathInApi(string file) => Path.GetRelativePath(ApiRoot, file).Split(Path.DirectorySeparatorChar);

    /// <summary>The API folder a file belongs to: the top one, so a nested folder keeps its parent's rank.</summary>
    private static string FolderOf(string file) => PathInApi(file)[0];

    private static string NamespaceOf(string file) => "OrleansUploads.Api." + string.Join('.', PathInApi(file)[..^1]);

    /// <summary>
    /// The other API folders a file names, in its <c>using</c> lines or anywhere in its code as a qualified
    /// name (<c>OrleansUploads.Api.Hosting.UploadDrain</c>), which needs no <c>using</c>; comment lines aside.
    /// </summary>
    private static IEnumerable<string> UsedApiFolders(string file) =>
        File.ReadLines(file)
            .Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .SelectMany(line => ApiUsing().Matches(line).Concat(ApiQualifiedName().Matches(line)))
            .Select(m => m.Groups[1].Value)
            .Where(used => used != FolderOf(file))
            .Distinct();

    [GeneratedRegex(@"^using (?:static )?OrleansUploads\.Api\.(\w+)")]
    private static partial Regex ApiUsing();

    [GeneratedRegex(@"\bOrleansUploads\.Api\.(\w+)\.")]
    private static partial Regex ApiQualifiedName();
}
