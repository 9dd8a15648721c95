using System.Net.Sockets;
using System.Text;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// A request (a tus PATCH, unless made otherwise) written straight to a socket that sends the first part of its body and then stalls,
/// so a test can act while a transfer is provably in flight and read the server's answer as soon as
/// it is on the wire (HttpClient would hold it back until the whole body was sent).
/// </summary>
public sealed class StalledPatch : IAsyncDisposable
{
    private readonly TcpClient _connection;
    private readonly NetworkStream _stream;

    /// <summary>What arrived past the answer read last (the body, or the next answer).</summary>
    private readonly StringBuilder _received = new();

    private StalledPatch(TcpClient connection)
    {
        _connection = connection;
        _stream = connection.GetStream();
    }

    public static Task<StalledPatch> StartAsync(Uri server, string location, long offset, long contentLength, ReadOnlyMemory<byte> firstPart) =>
        StartRequestAsync(server, $"PATCH {location} HTTP/1.1\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\n" +
            $"Content-Type: application/offset+octet-stream\r\nContent-Length: {contentLength}\r\n", firstPart);

    /// <summary>Any request: its request line and header lines (each ending in CRLF; Host is added), then the first part of its body.</summary>
    public static async Task<StalledPatch> StartRequestAsync(Uri server, string head, ReadOnlyMemory<byte> firstPart)
    {
        var connection = new TcpClient();
        await connection.ConnectAsync(server.Host, server.Port);
        var patch = new StalledPatch(connection);
        await patch._stream.WriteAsync(Encoding.ASCII.GetBytes($"{head}Host: {server.Authority}\r\n\r\n"));
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

    /// <summary>
    /// The status code and headers of the server's next answer (names in lower case): an interim (1xx)
    /// response first, when the server sends one, and the final one on the next call.
    /// </summary>
    public async Task<(int StatusCode, Dictionary<string, string> Headers)> ResponseAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[1024];
        while (!_received.ToString().Contains("\r\n\r\n"))
        {
            var read = await _stream.ReadAsync(buffer, deadline.Token);
            if (read == 0)
            {
                throw new IOException("The server closed the connection without answering.");
            }

            _received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var text = _received.ToString();
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        _received.Remove(0, end + 4);
        var lines = text[..end].Split("\r\n");
        var headers = lines.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(pair => pair[0].Trim().ToLowerInvariant(), pair => pair[1].Trim());
        return (int.Parse(lines[0].Split(' ')[1]), headers);
    }

    /// <summary>Waits until the server closes the connection, discarding anything it still sends.</summary>
    public async Task ClosedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[1024];
        try
        {
            while (await _stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset rather than closed: closed all the same.
        }
    }

    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
