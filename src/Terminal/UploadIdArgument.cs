using System.CommandLine;
using OrleansUploads.Client;

namespace OrleansUploads.Terminal;

/// <summary>The <c>ID</c> of the commands about one upload: its id, or the URL the service gave for it.</summary>
public static class UploadIdArgument
{
    public static Argument<string> Create() => new("ID") { Description = "The upload's id or URL" };

    /// <summary>The upload's id, whichever of the two forms was given.</summary>
    public static string Of(ParseResult parsed, Argument<string> argument) => UploadsClient.IdOf(parsed.GetValue(argument)!);
}
