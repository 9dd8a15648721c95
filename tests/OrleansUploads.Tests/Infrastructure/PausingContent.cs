using System.Net;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>A request body sent in two parts with a pause between, as a client on a patchy link sends.</summary>
public sealed class PausingContent(byte[] body, int pauseAfter, TimeSpan pause) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(body.AsMemory(0, pauseAfter));
        await stream.FlushAsync();
        await Task.Delay(pause);
        await stream.WriteAsync(body.AsMemory(pauseAfter));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }
}
