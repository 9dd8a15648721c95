namespace OrleansUploads.Cluster;

/// <summary>
/// Tells an open refused because another handle holds the file's lock (<see cref="FileShare.None"/>,
/// which .NET takes as an advisory flock on Unix) from any other I/O failure.
/// </summary>
public static class FileLockRefusal
{
    // flock's EWOULDBLOCK, which .NET reports as the error number: 11 on Linux, 35 on macOS.
    private const int HeldOnLinux = 11;
    private const int HeldOnMacOS = 35;

    // ERROR_SHARING_VIOLATION.
    private const int HeldOnWindows = unchecked((int)0x80070020);

    public static bool IsHeldElsewhere(IOException exception) => exception.HResult is HeldOnLinux or HeldOnMacOS or HeldOnWindows;
}
