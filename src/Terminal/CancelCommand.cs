using System.CommandLine;
using OrleansUploads.Client;

namespace OrleansUploads.Terminal;

/// <summary><c>uploads cancel ID</c>: stop an upload wherever its bytes are being sent, and delete them.</summary>
public static class CancelCommand
{
    private static readonly Argument<string> Id = new("ID") { Description = "The upload's id or URL" };

    public static Command Create(ToolAction action)
    {
        var command = new Command("cancel", "Cancel an upload (or delete a completed one's file)") { Id };
        action.Attach(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var status = await context.Client.CancelAsync(UploadsClient.IdOf(context.Parsed.GetValue(Id)!), cancellationToken);
        if (context.Json)
        {
            JsonLines.Write(context.Output, status);
        }

        context.Say($"{status.Id} is {UploadOutcome.NameOf(status.State)}");
        return ExitCodes.Ok;
    }
}
