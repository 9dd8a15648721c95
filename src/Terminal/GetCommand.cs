using System.CommandLine;
using OrleansUploads.Client;
using Spectre.Console;

namespace OrleansUploads.Terminal;

/// <summary>
/// <c>uploads get ID [-o FILE]</c>: download a completed upload, continuing the partial file of an
/// interrupted run; the client checks it against the SHA-256 the service recorded before it takes the name.
/// </summary>
public static class GetCommand
{
    private static readonly Argument<string> Id = UploadIdArgument.Create();
    private static readonly Option<string?> Output = new("--output", "-o") { Description = "Where to save it [default: the upload's file name, here]", HelpName = "FILE" };

    public static Command Create(ToolAction action)
    {
        var command = new Command("get", "Download a completed upload; run it again after an interruption and it continues") { Id, Output };
        action.Attach(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var id = UploadIdArgument.Of(context.Parsed, Id);
        var path = context.Parsed.GetValue(Output) ?? await DefaultPathAsync(context.Client, id, cancellationToken);
        var saved = await context.Client.DownloadAsync(id, path, cancellationToken: cancellationToken);
        if (context.Json)
        {
            JsonLines.Write(context.Output, new SavedFile(id, saved.Path, saved.Length, saved.ResumedFrom, saved.Sha256));
        }

        context.Say(saved.ResumedFrom > 0
            ? $"{Markup.Escape(saved.Path)} {ByteSize.Format(saved.Length)} [grey](continued from {ByteSize.Format(saved.ResumedFrom)})[/]"
            : $"{Markup.Escape(saved.Path)} {ByteSize.Format(saved.Length)}");
        return ExitCodes.Ok;
    }

    /// <summary>The upload's own file name, reduced to a name (never a path someone else chose), or its id.</summary>
    private static async Task<string> DefaultPathAsync(UploadsClient client, string id, CancellationToken cancellationToken) =>
        Path.GetFileName((await client.GetStatusAsync(id, cancellationToken)).FileName) is { Length: > 0 } name ? name : id;
}
