namespace OrleansUploads.Bench;

public static class BenchPaths
{
    public static string Root { get; } = FindRoot();

    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string ApiAssembly => Path.Combine(Root, "src", "Api", "bin", Configuration, "net10.0", "OrleansUploads.Api.dll");
    public static string ApiProject => Path.Combine(Root, "src", "Api");
    public static string Node => Path.Combine(Root, "bench", "node");
    public static string Self => Path.Combine(AppContext.BaseDirectory, "OrleansUploads.Bench.dll");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "OrleansUploads.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("OrleansUploads.sln not found.");
    }
}
