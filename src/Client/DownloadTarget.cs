using System.Security.Cryptography;

namespace OrleansUploads.Client;

/// <summary>
/// Where a download writes: into a partial file beside its target, renamed over the target only once
/// every byte is there and matches the SHA-256 the service recorded. A download then only ever continues
/// bytes it wrote itself, and never appends to (or leaves half of) a file someone else put at the path.
/// </summary>
public static class DownloadTarget
{
    public static string PartialOf(string path) => path + ".part";

    /// <summary>Throws, and drops the partial file, when its content is not what the service recorded.</summary>
    public static async Task CheckAsync(string partial, string? sha256, CancellationToken cancellationToken)
    {
        if (sha256 is null)
        {
            return;
        }

        string actual;
        await using (var content = File.OpenRead(partial))
        {
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
        }

        if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
        {
            // Kept, a damaged partial file would be continued again on the next run and fail the same way.
            File.Delete(partial);
            throw new UploadsException(UploadsError.Failed, $"The download of {partial} does not match the SHA-256 the service recorded; it was dropped, run it again.");
        }
    }
}
