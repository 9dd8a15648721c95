namespace OrleansUploads.Cluster;

/// <summary>
/// A host must not start, for a reason its operator has to fix: another process owns its data folder,
/// a setting is out of its range, or the store cannot be reached with the settings given. Thrown while
/// the host is built or starts; <see cref="HostExit"/> turns it into its message and exit code 1.
/// </summary>
public sealed class StartRefusedException(string message, Exception? innerException = null) : Exception(message, innerException);
