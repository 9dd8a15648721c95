using OrleansUploads.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace OrleansUploads.Terminal;

/// <summary>
/// Speed and time left as the service measures them (the status's <c>bytesPerSecond</c> and
/// <c>etaSeconds</c>), not as this machine sends; then the outcome once the upload has ended.
/// </summary>
/// <remarks>
/// The service measures a writer while it is attached, so between the PATCHes of a chunked upload it
/// reports no speed. Then the rate at which its confirmed offsets grew stands in (Spectre's own speed
/// of the bar, which only server events move).
/// </remarks>
public sealed class ServerFiguresColumn : ProgressColumn
{
    public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => task.Tag switch
    {
        UploadStatus { State: UploadState.Completed } => new Markup("[green]completed[/]"),
        UploadStatus { State: var state, Error: var error } when state.IsTerminal() =>
            new Markup($"[red]{UploadOutcome.NameOf(state)}[/]{(error is null ? "" : " " + Markup.Escape(error))}"),
        UploadStatus { State: UploadState.Verifying or UploadState.Processing, Stage: var stage } => new Markup($"[yellow]{Markup.Escape(stage ?? "verifying")}[/]"),
        UploadStatus status => Figures(status, status.BytesPerSecond > 0 ? status.BytesPerSecond : task.Speed ?? 0),
        _ => new Markup("[grey]waiting for the service[/]"),
    };

    private static Text Figures(UploadStatus status, double speed)
    {
        var eta = status.EtaSeconds ?? (speed > 0 && status.TotalBytes is { } total ? (total - status.BytesReceived) / speed : null);
        return new Text($"{ByteSize.Format(speed)}/s  ETA {Eta(eta)}");
    }

    private static string Eta(double? seconds) => seconds is { } known && double.IsFinite(known)
        ? TimeSpan.FromSeconds(Math.Ceiling(known)).ToString(known >= 3600 ? @"h\:mm\:ss" : @"m\:ss")
        : "--:--";
}
