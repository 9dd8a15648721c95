using System.Net;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>A request body sent a piece at a time with a pause after each, as a slow link delivers it.</summary>
public sealed class TricklingContent(ReadOnlyMemory<byte> body, int piece, TimeSpan pause) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var sent = 0; sent < body.Length; sent += piece)
        {
            await stream.WriteAsync(body[sent..Math.Min(body.Length, sent + piece)]);
            await stream.FlushAsync();
            await Task.Delay(pause);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }
}
