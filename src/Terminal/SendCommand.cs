using System.CommandLine;
using OrleansUploads.Client;
using Spectre.Console;

namespace OrleansUploads.Terminal;

/// <summary>
/// <c>uploads send FILE...</c>: each file as a resumable tus upload, with a progress bar per file that
/// moves only when the service confirms stored bytes (hub events), never when bytes leave this machine.
/// </summary>
public static class SendCommand
{
    private static readonly Argument<string[]> Files = new("FILE") { Arity = ArgumentArity.OneOrMore, Description = "The files to upload" };
    private static readonly Option<long?> ChunkSize = SizeOption.Create("--chunk-size", "Bytes per request, e.g. 512k or 8M [default 4M]");
    private static readonly Option<int> Parts = new("--parts") { HelpName = "N", Description = "Send each file as this many parallel parts (tus concatenation)", DefaultValueFactory = _ => 1 };
    private static readonly Option<long?> LimitRate = SizeOption.Create("--limit-rate", "Send at most this many bytes per second per part, e.g. 200k");
    private static readonly Option<bool> Again = new("--again") { Description = "Send files as new uploads even when the service holds them completed from an earlier send" };

    public static Command Create(ToolAction action)
    {
        var command = new Command("send", "Upload files; run it again after an interruption and it continues where the service stopped") { Files, ChunkSize, Parts, LimitRate, Again };
        action.Attach(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ToolContext context, CancellationToken cancellationToken)
    {
        context.ChunkSize = (int)Math.Min(context.Parsed.GetValue(ChunkSize) ?? 4 << 20, int.MaxValue);
        var options = new UploadOptions
        {
            ResumeStore = new FileResumeStore(context.StateFile),
            Parts = Math.Max(1, context.Parsed.GetValue(Parts)),
            MaxBytesPerSecond = context.Parsed.GetValue(LimitRate),
            SendAgain = context.Parsed.GetValue(Again),
        };
        var uploads = new List<(string File, TusUpload Upload)>();
        try
        {
            foreach (var file in context.Parsed.GetValue(Files)!)
            {
                var upload = await context.Client.StartFileUploadAsync(file, options, cancellationToken);
                uploads.Add((file, upload));
                context.Say($"{Markup.Escape(file)} [grey]->[/] {upload.Id}" + (
                    upload.AlreadyUploaded is not null ? " [grey](already uploaded, not sent again)[/]"
                    : upload.Resumed ? $" [grey](resuming at {ByteSize.Format(upload.ResumedAt)})[/]"
                    : ""));
            }

            // A script reads each file's line as that file ends; the bars' summary waits until they stop drawing.
            var ends = context.Json
                ? await Task.WhenAll(uploads.Select(async u => Report(context, u.File, u.Upload, await FileSend.RunAsync(context.Client, u.Upload, _ => { }, cancellationToken))))
                : await SendProgress.RunAsync(context.Console, board =>
                    Task.WhenAll(uploads.Select(u => FileSend.RunAsync(context.Client, u.Upload, board.Add(Path.GetFileName(u.File)), cancellationToken))));
            if (!context.Json)
            {
                foreach (var ((file, upload), end) in uploads.Zip(ends))
                {
                    Report(context, file, upload, end);
                }
            }

            return ends.All(end => end.State == UploadState.Completed) ? ExitCodes.Ok : ExitCodes.Failed;
        }
        finally
        {
            uploads.ForEach(u => u.Upload.Dispose());
        }
    }

    private static UploadStatus Report(ToolContext context, string file, TusUpload upload, UploadStatus end)
    {
        if (context.Json)
        {
            JsonLines.Write(context.Output, new SentFile(file, upload.Resumed, upload.ResumedAt, upload.AlreadyUploaded is not null, end));
        }
        else
        {
            context.Say(upload.AlreadyUploaded is not null ? UploadOutcome.AlreadyUploaded(file, end) : UploadOutcome.Line(file, end));
        }

        return end;
    }
}
