using System.CommandLine;

namespace OrleansUploads.Terminal;

/// <summary>The options every command takes; each falls back to an environment variable, then to a default.</summary>
public static class ToolOptions
{
    public const string ServerVariable = "UPLOADS_SERVER";
    public const string TokenVariable = "UPLOADS_TOKEN";
    public const string StateFileVariable = "UPLOADS_STATE_FILE";

    public static Option<string?> Server { get; } = new("--server", "-s")
    {
        HelpName = "URL",
        Description = $"The service's root address, with its path base if any, e.g. https://host/files [env {ServerVariable}, default http://localhost:5000]",
        Recursive = true,
    };

    public static Option<string?> Token { get; } = new("--token")
    {
        HelpName = "TOKEN",
        Description = $"A bearer token, when the service requires one [env {TokenVariable}]",
        Recursive = true,
    };

    public static Option<bool> Json { get; } = new("--json")
    {
        Description = "Write one JSON object per line to standard output instead of tables and progress bars",
        Recursive = true,
    };

    public static Option<string?> StateFile { get; } = new("--state-file")
    {
        HelpName = "FILE",
        Description = $"Where send remembers which upload belongs to which file, to resume it [env {StateFileVariable}, default under the local application data folder]",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [Server, Token, Json, StateFile];

    public static string DefaultStateFile =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "OrleansUploads", "resume.json");
}
