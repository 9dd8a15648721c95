using System.CommandLine;
using OrleansUploads.Client;
using Spectre.Console;

namespace OrleansUploads.Terminal;

/// <summary><c>uploads ls</c>: the caller's unfinished uploads, oldest first.</summary>
public static class ListCommand
{
    public static Command Create(ToolAction action)
    {
        var command = new Command("ls", "List your unfinished uploads, oldest first");
        action.Attach(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns(new TableColumn("Id").NoWrap(), new TableColumn("Name"), new TableColumn("State"), new TableColumn("Stored"), new TableColumn("Size"), new TableColumn("%"), new TableColumn("Created"));
        await foreach (var status in context.Client.ListAsync(cancellationToken: cancellationToken))
        {
            if (context.Json)
            {
                JsonLines.Write(context.Output, status);
                continue;
            }

            table.AddRow(
                status.Id, Markup.Escape(status.FileName ?? ""), UploadOutcome.NameOf(status.State), ByteSize.Format(status.BytesReceived),
                status.TotalBytes is { } total ? ByteSize.Format(total) : "?", status.Percentage?.ToString("0.#") ?? "", status.CreatedAt.ToLocalTime().ToString("g"));
        }

        if (!context.Json)
        {
            context.Console.Write(table);
        }

        return ExitCodes.Ok;
    }
}
