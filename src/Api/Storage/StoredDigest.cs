using System.Security.Cryptography;

namespace OrleansUploads.Api.Storage;

public static class StoredDigest
{
    /// <summary>
    /// SHA-256 of everything stored for an upload, read back from storage once it is complete, so the
    /// figure covers every chunk however many requests and processes wrote them.
    /// </summary>
    public static async Task<string> Sha256Async(this IUploadStore store, string uploadId, CancellationToken cancellationToken)
    {
        await using var content = await store.OpenReadAsync(uploadId, cancellationToken);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
    }
}
