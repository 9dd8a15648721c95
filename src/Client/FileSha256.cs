using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace OrleansUploads.Client;

/// <summary>
/// The SHA-256 of a whole file as lowercase hex, the form the service reports in <see cref="UploadStatus.Sha256"/>
/// and accepts as the declared <c>sha256</c> metadata. One pass through a small buffer, so any size of file hashes
/// in constant memory.
/// </summary>
internal static class FileSha256
{
    private const int BufferSize = 1 << 20;

    public static async Task<string> OfAsync(SafeFileHandle file, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var position = 0L;
            int read;
            while ((read = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, BufferSize), position, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                position += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
