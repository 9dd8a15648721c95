namespace OrleansUploads.Tests.Cluster;

/// <summary>What the embedded grain storage leaves in its folder: the shelves all small states share, and files of a grain's own.</summary>
internal static class GrainStorageFolder
{
    /// <summary>Files of a grain's own: everything but the shelves.</summary>
    public static string[] OwnFiles(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(path => !path.StartsWith(Shelves(folder), StringComparison.Ordinal))];

    public static long ShelvesSize(string folder) => Directory.GetFiles(Shelves(folder)).Sum(path => new FileInfo(path).Length);

    public static string Shelves(string folder) => Path.Combine(folder, "shelves");
}
