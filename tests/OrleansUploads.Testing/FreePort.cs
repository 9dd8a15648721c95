using System.Net;
using System.Net.Sockets;

namespace OrleansUploads.Testing;

public static class FreePort
{
    // Below the kernel's ephemeral range: a port taken from that range and handed to a server that
    // starts a moment later can meanwhile become the local port of any outgoing connection (the
    // client's, Redis', an emulator's), and the server then fails to bind.
    private const int Lowest = 10_000;
    private static readonly int Highest = EphemeralRangeStart() - 1;
    private static int _next = Lowest + Random.Shared.Next(Highest - Lowest);

    /// <summary>A loopback port nothing listens on right now, and that no other caller in this process was given lately.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Lowest + (Interlocked.Increment(ref _next) - Lowest) % (Highest - Lowest + 1);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port from {Lowest} to {Highest}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Linux's <c>ip_local_port_range</c>; elsewhere the IANA dynamic range.</summary>
    private static int EphemeralRangeStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], out var start) && start > Lowest + 1_000
            ? start
            : 49152;
    }
}
