using System.Net.Sockets;
using System.Text;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// A tus PATCH written straight to a socket that sends the first part of its body and then stalls,
/// so a test can act while a transfer is provably in flight and read the server's answer as soon as
/// it is on the wire (HttpClient would hold it back until the whole body was sent).
/// </summary>
public sealed class StalledPatch : IAsyncDisposable
{
    private readonly TcpClient _connection;
    private readonly NetworkStream _stream;

    private StalledPatch(TcpClient connection)
    {
        _connection = connection;
        _stream = connection.GetStream();
    }

    public static async Task<StalledPatch> StartAsync(Uri server, string location, long offset, long contentLength, ReadOnlyMemory<byte> firstPart)
    {
        var connection = new TcpClient();
        await connection.ConnectAsync(server.Host, server.Port);
        var patch = new StalledPatch(connection);
        var head = $"PATCH {location} HTTP/1.1\r\nHost: {server.Authority}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\n" +
                   $"Content-Type: application/offset+octet-stream\r\nContent-Length: {contentLength}\r\n\r\n";
        await patch._stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await patch._stream.WriteAsync(firstPart);
        await patch._stream.FlushAsync();
        return patch;
    }

    /// <summary>Sends more of the body.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> part)
    {
        await _stream.WriteAsync(part);
        await _stream.FlushAsync();
    }

    /// <summary>The status code the server answers with, while the body is still unsent.</summary>
    public async Task<int> StatusCodeAsync(TimeSpan timeout) => (await ResponseAsync(timeout)).StatusCode;

    /// <summary>The status code and headers of the server's answer (names in lower case).</summary>
    public async Task<(int StatusCode, Dictionary<string, string> Headers)> ResponseAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var received = new StringBuilder();
        var buffer = new byte[1024];
        while (!received.ToString().Contains("\r\n\r\n"))
        {
            var read = await _stream.ReadAsync(buffer, deadline.Token);
            if (read == 0)
            {
                throw new IOException("The server closed the connection without answering.");
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var lines = received.ToString().Split("\r\n\r\n")[0].Split("\r\n");
        var headers = lines.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(pair => pair[0].Trim().ToLowerInvariant(), pair => pair[1].Trim());
        return (int.Parse(lines[0].Split(' ')[1]), headers);
    }

    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
