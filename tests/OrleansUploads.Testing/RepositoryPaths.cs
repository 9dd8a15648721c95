namespace OrleansUploads.Testing;

/// <summary>Finds the repository and the build outputs the tests start as real processes.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: whatever the tests themselves were built as.</summary>
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string ApiAssembly => Path.Combine(Root, "src", "Api", "bin", Configuration, "net10.0", "OrleansUploads.Api.dll");

    /// <summary>The API's content root: its configuration and the page under wwwroot.</summary>
    public static string ApiProject => Path.Combine(Root, "src", "Api");

    public static string SiloAssembly => Path.Combine(Root, "src", "Silo", "bin", Configuration, "net10.0", "OrleansUploads.Silo.dll");

    public static string BenchAssembly => Path.Combine(Root, "bench", "OrleansUploads.Bench", "bin", Configuration, "net10.0", "OrleansUploads.Bench.dll");

    /// <summary>The <c>uploads</c> command-line tool.</summary>
    public static string CliAssembly => Path.Combine(Root, "src", "Cli", "bin", Configuration, "net10.0", "uploads.dll");

    public static string Interop => Path.Combine(Root, "tests", "interop");

    /// <summary>The Node peers the benchmarks measure against.</summary>
    public static string BenchNode => Path.Combine(Root, "bench", "node");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "OrleansUploads.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("OrleansUploads.sln not found above " + AppContext.BaseDirectory);
    }
}
