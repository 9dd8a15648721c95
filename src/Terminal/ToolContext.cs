using System.CommandLine;
using OrleansUploads.Client;
using Spectre.Console;

namespace OrleansUploads.Terminal;

/// <summary>What a command runs with: the parsed command line, the client it configures, and where output goes.</summary>
public sealed class ToolContext(ParseResult parsed, IAnsiConsole console, TextWriter output, TextWriter errors) : IDisposable
{
    private UploadsClient? _client;

    public ParseResult Parsed { get; } = parsed;

    public IAnsiConsole Console { get; } = console;

    /// <summary>Standard output, where <c>--json</c> lines go.</summary>
    public TextWriter Output { get; } = output;

    public TextWriter Errors { get; } = errors;

    public bool Json => Parsed.GetValue(ToolOptions.Json);

    public string StateFile => Parsed.GetValue(ToolOptions.StateFile) ?? Environment.GetEnvironmentVariable(ToolOptions.StateFileVariable) ?? ToolOptions.DefaultStateFile;

    /// <summary>Bytes per PATCH, for the commands that send; set before <see cref="Client"/> is first used.</summary>
    public int ChunkSize { get; set; } = 4 << 20;

    public UploadsClient Client => _client ??= new UploadsClient(new UploadsClientOptions
    {
        Server = ServerAddress(Setting(ToolOptions.Server, ToolOptions.ServerVariable) ?? "http://localhost:5000"),
        AccessToken = Setting(ToolOptions.Token, ToolOptions.TokenVariable) is { } token ? _ => ValueTask.FromResult<string?>(token) : null,
        ChunkSize = ChunkSize,
    });

    /// <summary>Something to tell the person at the terminal; with <c>--json</c>, nothing (standard output is for the lines).</summary>
    public void Say(string markup)
    {
        if (!Json)
        {
            Console.MarkupLine(markup);
        }
    }

    public void Dispose() => _client?.Dispose();

    /// <summary>
    /// An address without its scheme, such as <c>localhost:5000</c>, is still a URI (of scheme "localhost"),
    /// which HTTP would refuse only later, with a stack trace: it is refused here as a usage error.
    /// </summary>
    private static Uri ServerAddress(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var server) && server.Scheme is "http" or "https"
            ? server
            : throw new UriFormatException($"'{text}' is not an http:// or https:// address.");

    private string? Setting(Option<string?> option, string variable) =>
        Parsed.GetValue(option) is { Length: > 0 } given ? given : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } set ? set : null;
}
