using System.CommandLine;
using OrleansUploads.Client;

namespace OrleansUploads.Terminal;

/// <summary><c>uploads watch ID</c>: follow any upload, whoever sends it, until it ends.</summary>
/// <remarks>Shaped like every command of the tool; <see cref="CancelCommand"/> says why the likeness stays.</remarks>
public static class WatchCommand
{
    private static readonly Argument<string> Id = UploadIdArgument.Create();

    public static Command Create(ToolAction action)
    {
        var command = new Command("watch", "Follow an upload's server-confirmed progress until it ends") { Id };
        action.Attach(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var id = UploadIdArgument.Of(context.Parsed, Id);
        UploadStatus? last = null;
        if (context.Json)
        {
            await foreach (var status in context.Client.WatchAsync(id, cancellationToken))
            {
                JsonLines.Write(context.Output, last = status);
            }
        }
        else
        {
            last = await SendProgress.RunAsync(context.Console, async board =>
            {
                Action<UploadStatus>? show = null;
                UploadStatus? seen = null;
                await foreach (var status in context.Client.WatchAsync(id, cancellationToken))
                {
                    show ??= board.Add(status.FileName ?? id);
                    show(seen = status);
                }

                return seen;
            });
            if (last is not null)
            {
                // The bars draw nothing where standard output is not a terminal: this line is all a log gets.
                context.Say(UploadOutcome.Line(last.FileName ?? id, last));
            }
        }

        return last is null ? ExitCodes.Failed : ExitCodes.Of(last);
    }
}
