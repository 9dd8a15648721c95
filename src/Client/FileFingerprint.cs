using System.Security.Cryptography;
using System.Text;

namespace OrleansUploads.Client;

/// <summary>
/// Names a file as tus clients do: the same path, size and last write time on the same service is taken
/// for the same file. Cheap (no read of the content), and a file changed since its upload began gets a new upload.
/// </summary>
public static class FileFingerprint
{
    public static string Of(string path, Uri server)
    {
        var file = new FileInfo(path);
        var identity = $"{server.AbsoluteUri}|{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }
}
