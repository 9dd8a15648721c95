using OrleansUploads.Client;

namespace OrleansUploads.Terminal;

/// <summary>What the <c>uploads</c> command's exit code means, for scripts (the README lists them too).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>An upload failed, was cancelled or expired, a download did not match, or the service refused the request.</summary>
    public const int Failed = 1;

    /// <summary>The command line could not be read: an unknown command or option, a missing argument.</summary>
    public const int Usage = 2;

    /// <summary>No upload has that id (or it is another owner's), or a local file to send does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>No token, an invalid one, or one that may not do this.</summary>
    public const int Unauthorized = 4;

    /// <summary>The service could not be reached, or kept failing after every retry.</summary>
    public const int Unreachable = 5;

    /// <summary>Ctrl+C or SIGTERM, as shells count a SIGINT death (128 + 2). Run the same send again to resume.</summary>
    public const int Interrupted = 130;

    public static int Of(UploadsError error) => error switch
    {
        UploadsError.NotFound => NotFound,
        UploadsError.Unauthorized => Unauthorized,
        UploadsError.Unreachable => Unreachable,
        _ => Failed,
    };

    /// <summary>A watched or sent upload's end: only a completed one is a success.</summary>
    public static int Of(UploadStatus status) => status.State == UploadState.Completed ? Ok : Failed;
}
