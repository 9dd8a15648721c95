using System.Buffers;

namespace OrleansUploads.Bench;

/// <summary>
/// The baseline server: a bare ASP.NET Core endpoint that streams each request body into a file
/// with 1 MiB coalesced writes, and does nothing else. A strong baseline on purpose.
/// </summary>
public static class BareEndpoint
{
    public const string Mode = "--bare-endpoint";

    public static async Task RunAsync(int port, string folder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapPost("/bare", async (HttpRequest request) =>
        {
            await using var file = new FileStream(Path.Combine(folder, Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            while (true)
            {
                var read = await request.BodyReader.ReadAsync();
                foreach (var segment in read.Buffer)
                {
                    await file.WriteAsync(segment);
                }

                request.BodyReader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            return Results.NoContent();
        });
        await app.RunAsync();
    }
}
