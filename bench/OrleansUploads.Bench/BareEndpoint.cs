using System.Buffers;
using System.Security.Cryptography;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Bench;

/// <summary>
/// The baseline server: the fastest body-to-file copy we can write with Kestrel, with no tracking.
/// The body's segments are gathered into large writes at explicit offsets (<see cref="RandomAccess"/>,
/// no stream in between), one write in flight while the next fills. The file reaches the disk itself
/// before the answer, as the service's bytes do before it reports an offset: flushes run in the
/// background every <see cref="FlushEvery"/> bytes, so the one at the end has little left to write.
/// Every flush runs on the service's own sync threads (<see cref="DiskSyncThreads"/>): a flush on the
/// thread pool holds a pool thread while the disk works, and at a thousand uploads at once that left the
/// processors idle while requests waited.
/// </summary>
public static class BareEndpoint
{
    public const string Mode = "--bare-endpoint";

    /// <summary>Bytes per write; 1 MiB measured fastest of 256 KiB to 4 MiB on the machines this runs on (BENCHMARKS.md).</summary>
    public const int DefaultWriteSize = 1 << 20;

    private static readonly long FlushEvery = long.TryParse(Environment.GetEnvironmentVariable("BARE_FLUSH_EVERY"), out var every) ? every : 64L << 20;

    public static async Task RunAsync(int port, string folder, int writeSize)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapPost("/bare", (HttpRequest request) => ReceiveAsync(request, folder, writeSize, hash: null));
        // The same copy hashing the body as it passes, as the service does for its whole-file SHA-256:
        // what is left between this and the service is what tracking an upload costs.
        app.MapPost("/bare-sha256", async (HttpRequest request, HttpResponse response) =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var result = await ReceiveAsync(request, folder, writeSize, hash);
            response.Headers["Sha256"] = Convert.ToHexStringLower(hash.GetHashAndReset());
            return result;
        });
        await app.RunAsync();
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, string folder, int writeSize, IncrementalHash? hash)
    {
        using var file = File.OpenHandle(Path.Combine(folder, Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.Write);
        var flushing = await CopyAsync(request.BodyReader, file, writeSize, hash);
        await flushing;
        await DiskSyncThreads.RunAsync(() => RandomAccess.FlushToDisk(file));
        return Results.NoContent();
    }

    /// <returns>The background flush still running.</returns>
    private static async Task<Task> CopyAsync(System.IO.Pipelines.PipeReader body, Microsoft.Win32.SafeHandles.SafeFileHandle file, int writeSize, IncrementalHash? hash)
    {
        var filling = ArrayPool<byte>.Shared.Rent(writeSize);
        var spare = ArrayPool<byte>.Shared.Rent(writeSize);
        var filled = 0;
        long offset = 0;
        long flushedTo = 0;
        var writing = ValueTask.CompletedTask;
        var flushing = Task.CompletedTask;
        try
        {
            while (true)
            {
                var read = await body.ReadAsync();
                foreach (var segment in read.Buffer)
                {
                    hash?.AppendData(segment.Span);
                    var rest = segment;
                    while (!rest.IsEmpty)
                    {
                        var take = Math.Min(rest.Length, writeSize - filled);
                        rest.Span[..take].CopyTo(filling.AsSpan(filled));
                        (filled, rest) = (filled + take, rest[take..]);
                        if (filled == writeSize)
                        {
                            await writing;
                            writing = RandomAccess.WriteAsync(file, filling.AsMemory(0, filled), offset);
                            (offset, filling, spare, filled) = (offset + filled, spare, filling, 0);
                            if (offset - flushedTo >= FlushEvery && flushing.IsCompleted)
                            {
                                flushedTo = offset;
                                flushing = DiskSyncThreads.RunAsync(() => RandomAccess.FlushToDisk(file));
                            }
                        }
                    }
                }

                body.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            await writing;
            await RandomAccess.WriteAsync(file, filling.AsMemory(0, filled), offset);
            return flushing;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(filling);
            ArrayPool<byte>.Shared.Return(spare);
        }
    }
}
