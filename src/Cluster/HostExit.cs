namespace OrleansUploads.Cluster;

/// <summary>How a host process ends; shared by the silo host and the API, so both stop alike.</summary>
public static class HostExit
{
    /// <summary>The exit code of a start refused with <see cref="StartRefusedException"/>.</summary>
    public const int Refused = 1;

    /// <summary>
    /// Runs a host from its building to its end. A refused start prints its message alone to standard
    /// error and exits with <see cref="Refused"/>: left unhandled, the same exception reads as a crash
    /// (the runtime's report, a stack trace, and SIGABRT's exit code 134).
    /// </summary>
    public static async Task RunAsync(Func<Task> host)
    {
        try
        {
            await host();
        }
        catch (StartRefusedException refused)
        {
            await Console.Error.WriteLineAsync(refused.Message);
            Environment.ExitCode = Refused;
        }
    }
}
