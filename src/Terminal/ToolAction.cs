using System.CommandLine;
using OrleansUploads.Client;
using Spectre.Console;

namespace OrleansUploads.Terminal;

/// <summary>Runs a command and turns what can go wrong into a sentence and an exit code, in one place for every command.</summary>
public sealed class ToolAction(IAnsiConsole console, TextWriter output, TextWriter errors)
{
    public void Attach(Command command, Func<ToolContext, CancellationToken, Task<int>> run) =>
        command.SetAction((parsed, cancellationToken) => RunAsync(parsed, run, cancellationToken));

    private async Task<int> RunAsync(ParseResult parsed, Func<ToolContext, CancellationToken, Task<int>> run, CancellationToken cancellationToken)
    {
        using var context = new ToolContext(parsed, console, output, errors);
        try
        {
            return await run(context, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(context, "Interrupted; run the same command again to continue.", ExitCodes.Interrupted);
        }
        catch (UploadsException e)
        {
            return Fail(context, e.Message, ExitCodes.Of(e.Error));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail(context, e.Message, ExitCodes.NotFound);
        }
        catch (UriFormatException e)
        {
            return Fail(context, "The server address is not a URL: " + e.Message, ExitCodes.Usage);
        }
        catch (IOException e)
        {
            return Fail(context, e.Message, ExitCodes.Failed);
        }
    }

    private static int Fail(ToolContext context, string message, int exitCode)
    {
        if (context.Json)
        {
            JsonLines.Write(context.Errors, new ToolError(message, exitCode));
        }
        else
        {
            context.Errors.WriteLine($"uploads: {message}");
        }

        return exitCode;
    }
}
