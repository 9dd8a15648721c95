using OrleansUploads.Client;
using Spectre.Console;

namespace OrleansUploads.Terminal;

/// <summary>The bars of a running <see cref="SendProgress"/>: each upload gets one, and a callback that moves it to a server status.</summary>
public sealed class ProgressBoard(ProgressContext progress)
{
    /// <returns>Shows a status the service sent on the upload's bar.</returns>
    public Action<UploadStatus> Add(string name)
    {
        var task = progress.AddTask(Markup.Escape(name), autoStart: true, maxValue: 1);
        task.IsIndeterminate = true;
        return status => Show(task, status);
    }

    private void Show(ProgressTask task, UploadStatus status)
    {
        task.Tag = status;
        if (status.TotalBytes is { } total)
        {
            task.IsIndeterminate = false;
            task.MaxValue = Math.Max(total, 1);
            task.Value = total == 0 && status.State == UploadState.Completed ? 1 : status.BytesReceived;
        }

        if (status.State.IsTerminal())
        {
            task.StopTask();
        }

        // Drawn now rather than at the next tick: the screen shows each confirmation as it arrives.
        progress.Refresh();
    }
}
