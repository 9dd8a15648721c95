using System.Net.Sockets;
using System.Text;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// A tus PATCH with a chunked body, as <c>curl -T -</c> sends one, written straight to a socket: it
/// delivers every byte it is given and then neither ends the body nor closes until disposed. Disposing
/// drops the connection, as a client that lost its network after the last byte would.
/// </summary>
public sealed class ChunkedPatch : IAsyncDisposable
{
    private readonly TcpClient _connection;

    private ChunkedPatch(TcpClient connection) => _connection = connection;

    public static async Task<ChunkedPatch> StartAsync(Uri server, string location, long offset, ReadOnlyMemory<byte> body)
    {
        var connection = new TcpClient();
        await connection.ConnectAsync(server.Host, server.Port);
        var stream = connection.GetStream();
        var head = $"PATCH {location} HTTP/1.1\r\nHost: {server.Authority}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\n" +
                   $"Content-Type: application/offset+octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n{body.Length:x}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
        await stream.WriteAsync("\r\n"u8.ToArray());
        await stream.FlushAsync();
        return new ChunkedPatch(connection);
    }

    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
