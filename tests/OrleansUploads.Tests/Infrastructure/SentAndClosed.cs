using System.Net.Sockets;
using System.Text;

namespace OrleansUploads.Tests.Infrastructure;

/// <summary>
/// A request with a <c>Content-Length</c> body written whole to a socket, which is then closed without
/// reading the answer: a normal close (FIN), as a script that sends and exits, or a phone that sends
/// and goes to sleep, would.
/// </summary>
public static class SentAndClosed
{
    public static async Task SendAsync(Uri server, string method, string path, IEnumerable<(string Name, string Value)> headers, ReadOnlyMemory<byte> body)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host, server.Port);
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: {server.Authority}\r\nTus-Resumable: 1.0.0\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append($"{name}: {value}\r\n");
        }

        head.Append($"Content-Type: application/offset+octet-stream\r\nContent-Length: {body.Length}\r\n\r\n");
        await socket.SendAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await socket.SendAsync(body);
        // Everything is in the kernel's hands; the close that follows is graceful, not a reset.
        socket.Shutdown(SocketShutdown.Send);
        socket.Close();
    }
}
