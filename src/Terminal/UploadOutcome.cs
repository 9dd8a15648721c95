using OrleansUploads.Client;
using Spectre.Console;

namespace OrleansUploads.Terminal;

/// <summary>How the tool names an upload's state, and the line that tells how an upload ended (after send and watch).</summary>
public static class UploadOutcome
{
    public static string NameOf(UploadState state) => state.ToString().ToLowerInvariant();

    public static string Line(string name, UploadStatus end) => end.State == UploadState.Completed
        ? $"[green]completed[/] {Markup.Escape(name)} {end.Id} {ByteSize.Format(end.BytesReceived)} sha256 {end.Sha256}"
        : $"[red]{NameOf(end.State)}[/] {Markup.Escape(name)} {end.Id}{(end.Error is null ? "" : ": " + Markup.Escape(end.Error))}";

    /// <summary>A file <c>send</c> did not send, because the service held it completed from an earlier send.</summary>
    public static string AlreadyUploaded(string name, UploadStatus held) =>
        $"[green]already uploaded[/] {Markup.Escape(name)} {held.Id} {ByteSize.Format(held.BytesReceived)} sha256 {held.Sha256}";
}
