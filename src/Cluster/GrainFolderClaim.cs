using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;

namespace OrleansUploads.Cluster;

/// <summary>
/// Makes one process the owner of a folder of embedded grain state. Grains of many uploads share the
/// pages of a shelf (<see cref="StateShelves"/>), and each process hands out pages from its own index,
/// so a second process on the same folder would overwrite the first one's grains. The claim is an
/// exclusive lock on a file in the folder, which the kernel drops when the process dies, so a killed
/// owner never leaves the folder locked. It is advisory, and .NET takes it only where the file system
/// supports locks (and not with <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> set): a guard against a
/// second start by mistake, not against every way of sharing a folder.
/// </summary>
public static class GrainFolderClaim
{
    private const string LockName = ".owner";

    /// <summary>Held for the process's lifetime: hosts started one after another in one process share the claim.</summary>
    private static readonly ConcurrentDictionary<string, SafeFileHandle> Held = new();

    /// <exception cref="StartRefusedException">Another process owns the folder, or it cannot be made or written.</exception>
    public static void Claim(string folder)
    {
        var path = Path.GetFullPath(folder);
        Held.GetOrAdd(path, static path =>
        {
            try
            {
                Directory.CreateDirectory(path);
                // FileShare.None is an exclusive flock on Unix, and a sharing lock on Windows.
                return File.OpenHandle(Path.Combine(path, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException exception) when (FileLockRefusal.IsHeldElsewhere(exception))
            {
                throw new StartRefusedException(
                    $"Another process keeps its grain state in {path}. One process owns a data folder's grain state: give this one its own Storage:DataPath, or run a cluster with Redis for more than one silo.",
                    exception);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new StartRefusedException($"The grain state folder {path} cannot be made or written (Storage:DataPath): {exception.Message}", exception);
            }
        });
    }
}
