namespace OrleansUploads.Testing;

/// <summary>A throwaway <c>redis-server</c> on 127.0.0.1 with nothing written to disk.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private RedisServer(ChildProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists("/usr/bin/redis-server"))
        {
            throw new InvalidOperationException("redis-server is missing: apt-get install -y redis-server");
        }

        var port = FreePort.Next();
        var process = ChildProcess.Start("redis-server", ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        await process.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(20), "redis-server");
        return new RedisServer(process, port);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
