using OrleansUploads.Abstractions;
using OrleansUploads.Api.Uploads;

namespace OrleansUploads.Api.Tus;

/// <summary>
/// The <c>Upload-Concat</c> header of tus concatenation: <c>partial</c> at the creation of a part,
/// <c>final;URL URL ...</c> at the creation of the final upload, and the same on HEAD.
/// </summary>
public static class TusConcat
{
    private const string Partial = "partial";
    private const string FinalPrefix = "final;";

    /// <returns>The problem to answer when the header is malformed; null when read (no header: neither partial nor final).</returns>
    public static IResult? Read(string header, string uploadsPath, out bool partial, out string[]? parts)
    {
        partial = false;
        parts = null;
        if (header.Length == 0)
        {
            return null;
        }

        if (header == Partial)
        {
            partial = true;
            return null;
        }

        if (!header.StartsWith(FinalPrefix, StringComparison.Ordinal))
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "Upload-Concat must be 'partial' or 'final;' followed by the URLs of the partial uploads.");
        }

        var ids = new List<string>();
        foreach (var url in header[FinalPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Uri.TryCreate(url, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : url;
            var id = path.StartsWith(uploadsPath + "/", StringComparison.Ordinal) ? path[(uploadsPath.Length + 1)..] : null;
            if (!UploadId.IsValid(id))
            {
                return TusResults.Problem(StatusCodes.Status400BadRequest, $"'{url}' in Upload-Concat is not the URL of an upload here.");
            }

            ids.Add(id);
        }

        if (ids.Count == 0 || ids.Distinct().Count() != ids.Count)
        {
            return TusResults.Problem(StatusCodes.Status400BadRequest, "A final upload names at least one partial upload, each once.");
        }

        parts = [.. ids];
        return null;
    }

    /// <summary>The header for HEAD: <c>partial</c>, or <c>final;</c> with the parts' URLs; null for an ordinary upload.</summary>
    public static string? HeaderOf(UploadStatus status, Func<string, string> locationOf) => status.Concat switch
    {
        "partial" => Partial,
        "final" => FinalPrefix + string.Join(' ', status.Parts!.Select(locationOf)),
        _ => null,
    };
}
