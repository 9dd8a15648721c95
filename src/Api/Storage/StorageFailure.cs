namespace OrleansUploads.Api.Storage;

/// <summary>The ways storage can fail that a client should hear about in words, not as a bare 500.</summary>
public static class StorageFailure
{
    // errno values .NET puts in IOException.HResult on Linux for a full disk, a full quota and a read-only file system.
    private const int NoSpace = 28;
    private const int ReadOnly = 30;
    private const int QuotaExceeded = 122;

    /// <summary>The disk is full or read-only: writing cannot go on until space (or write access) returns.</summary>
    public static bool IsFull(Exception exception) =>
        exception is IOException { HResult: NoSpace or ReadOnly or QuotaExceeded } or UnauthorizedAccessException;

    /// <summary>Storage could not be read or written for a reason that may pass: nothing is decided from it.</summary>
    public static bool IsUnavailable(Exception exception) => exception is IOException && !IsFull(exception);
}

/// <summary>The store cannot tell what it holds (its folder or volume is missing); nothing may be concluded from it.</summary>
public sealed class StorageUnavailableException(string message) : IOException(message);
