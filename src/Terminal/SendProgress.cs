using Spectre.Console;

namespace OrleansUploads.Terminal;

/// <summary>
/// The progress display: one bar per upload, each moved only by the statuses the service sends
/// (bytes it has stored, its measured speed and time left), so the bar never runs ahead of the server.
/// </summary>
public static class SendProgress
{
    public static Task<T> RunAsync<T>(IAnsiConsole console, Func<ProgressBoard, Task<T>> work) =>
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new ServerFiguresColumn())
            .StartAsync(progress => work(new ProgressBoard(progress)));
}
