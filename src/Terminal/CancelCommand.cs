using System.CommandLine;

namespace OrleansUploads.Terminal;

/// <summary><c>uploads cancel ID</c>: stop an upload wherever its bytes are being sent, and delete them.</summary>
/// <remarks>
/// Shaped like every command of the tool, and so like <see cref="WatchCommand"/>: its arguments, a
/// <c>Create</c> that hands <c>RunAsync</c> to <see cref="ToolAction"/> (which turns failures into exit codes
/// for every command), and the run. They stay two because only that declaration is alike; one command a
/// file keeps each command's help text beside what it does.
/// </remarks>
public static class CancelCommand
{
    private static readonly Argument<string> Id = UploadIdArgument.Create();

    public static Command Create(ToolAction action)
    {
        var command = new Command("cancel", "Cancel an upload (or delete a completed one's file)") { Id };
        action.Attach(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var status = await context.Client.CancelAsync(UploadIdArgument.Of(context.Parsed, Id), cancellationToken);
        if (context.Json)
        {
            JsonLines.Write(context.Output, status);
        }

        context.Say($"{status.Id} is {UploadOutcome.NameOf(status.State)}");
        return ExitCodes.Ok;
    }
}
