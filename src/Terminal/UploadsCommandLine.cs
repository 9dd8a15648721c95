using System.CommandLine;
using Spectre.Console;

namespace OrleansUploads.Terminal;

/// <summary>The <c>uploads</c> command: its commands, and its exit code for a command line it cannot read.</summary>
public static class UploadsCommandLine
{
    public static RootCommand Build(ToolAction action)
    {
        var root = new RootCommand("Send files to an OrleansUploads service and follow them, with resumable uploads and server-confirmed progress")
        {
            SendCommand.Create(action), WatchCommand.Create(action), ListCommand.Create(action), CancelCommand.Create(action), GetCommand.Create(action),
        };
        foreach (var option in ToolOptions.All)
        {
            root.Options.Add(option);
        }

        return root;
    }

    /// <param name="console">Where tables and progress bars go; the terminal when null.</param>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null, TextWriter? output = null, TextWriter? errors = null)
    {
        output ??= Console.Out;
        errors ??= Console.Error;
        var parsed = Build(new ToolAction(console ?? TerminalConsole(), output, errors)).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await errors.WriteLineAsync($"uploads: {error.Message}");
            }

            await errors.WriteLineAsync("Try 'uploads --help'.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = errors });
    }

    /// <summary>
    /// The process's console. A pipe or a file has no width, and Spectre would wrap at 80 columns there,
    /// splitting ids and checksums across lines that scripts grep: there each line is as long as it is.
    /// </summary>
    private static IAnsiConsole TerminalConsole()
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 4096;
        }

        return console;
    }
}
