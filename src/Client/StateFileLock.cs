namespace OrleansUploads.Client;

/// <summary>
/// An exclusive lock on a file beside the state file, held across processes: the runtime takes an
/// OS lock for <see cref="FileShare.None"/> (on Unix, <c>flock</c>), which dies with its process, so a
/// killed send never leaves the state file locked.
/// </summary>
internal static class StateFileLock
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(10);

    public static async Task<IDisposable> TakeAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another send holds it for the few milliseconds of one read and write; there is no event to await.
                await Task.Delay(Pause, cancellationToken);
            }
        }
    }
}
