using System.Buffers;
using System.Security.Cryptography;
using OrleansUploads.Abstractions;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>Copies a final upload's parts, in order, into its own stored bytes, and hashes the whole on the way.</summary>
internal static class FinalAssembly
{
    private const int BufferSize = 1 << 20;

    /// <returns>The SHA-256 of the joined file, as lowercase hex.</returns>
    public static async Task<string> JoinAsync(IUploadStore store, UploadStatus final, long epoch, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            // Written from the start every time: a join cut short by a crash is simply done again.
            await using (var target = await store.OpenAppendAsync(final.Id, 0, epoch, cancellationToken))
            {
                foreach (var part in final.Parts!)
                {
                    await using var source = await store.OpenReadAsync(part, cancellationToken);
                    int read;
                    while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    }
                }
            }

            await store.SealAsync(final.Id, final.TotalBytes!.Value, cancellationToken);
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
