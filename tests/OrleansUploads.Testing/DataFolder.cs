namespace OrleansUploads.Testing;

/// <summary>Throwaway data folders under the machine's temporary folder, one per service or run.</summary>
public static class DataFolder
{
    public static string New(string purpose = "orleans-uploads-tests") => Path.Combine(Path.GetTempPath(), purpose, Guid.NewGuid().ToString("N"));

    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
