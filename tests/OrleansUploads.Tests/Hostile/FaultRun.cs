using System.Collections.Concurrent;
using System.Net.Sockets;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Hostile;

/// <summary>
/// The clients of a fault run: each upload takes a few random steps, surviving the service's deaths,
/// and every <paramref name="killEvery"/> steps the service is killed (SIGKILL) and started again, so
/// the kills grow with the number of uploads.
/// </summary>
internal sealed class FaultRun(UploadService service, int seed, int killEvery)
{
    private readonly SemaphoreSlim _concurrency = new(8);
    private readonly SemaphoreSlim _restarting = new(1, 1);
    private readonly ConcurrentBag<Task> _kills = [];
    private int _actions;

    public ConcurrentBag<(string Location, byte[] Source)> Sources { get; } = [];

    public int Actions => _actions;

    public int Kills => _kills.Count;

    /// <summary>Waits for the kills under way to be over (the service is up again).</summary>
    public Task KillsDoneAsync() => Task.WhenAll(_kills);

    public async Task KillAndRestartAsync()
    {
        await _restarting.WaitAsync();
        try
        {
            await service.KillAsync();
            await service.RestartAsync();
        }
        finally
        {
            _restarting.Release();
        }
    }

    public async Task UploadAsync(int index)
    {
        await _concurrency.WaitAsync();
        try
        {
            var random = new Random(HashCode.Combine(seed, index));
            var source = RandomBytes(SizeOf(random));
            using var client = service.CreateClient();
            var location = await UntilAnsweredAsync(() => client.CreateAsync(source.Length));
            Sources.Add((location, source));
            for (var step = random.Next(1, 6); step > 0; step--)
            {
                var offset = await UntilAnsweredAsync(() => client.OffsetAsync(location));
                if (offset == source.Length)
                {
                    return;
                }

                if (Interlocked.Increment(ref _actions) % killEvery == 0)
                {
                    // In the middle of everyone's requests, not between them.
                    _kills.Add(Task.Run(KillAndRestartAsync));
                }

                await OutlivingKillsAsync(() => StepAsync(client, location, source, offset, random));
            }
        }
        finally
        {
            _concurrency.Release();
        }
    }

    /// <summary>One upload in ten is empty or a single byte (edges worth a few); the rest carry 64 KiB to 2 MiB.</summary>
    private static int SizeOf(Random random) => random.Next(20) switch
    {
        0 => 0,
        1 => 1,
        _ => random.Next(64 << 10, (2 << 20) + 1),
    };

    private async Task StepAsync(HttpClient client, string location, byte[] source, long offset, Random random)
    {
        var rest = source.AsMemory((int)offset);
        var part = rest[..random.Next(1, rest.Length + 1)];
        switch (random.Next(5))
        {
            case 0:
                using (await client.PatchAsync(location, offset, part.ToArray()))
                {
                }

                break;
            case 1:
                // The body drops somewhere in the middle, or right after its last byte.
                await using (await ChunkedPatch.StartAsync(service.BaseAddress, location, offset, random.Next(2) == 0 ? part : rest))
                {
                }

                break;
            case 2:
                // Two requests race from the same offset; one takes the lease over from the other.
                var racing = await Task.WhenAll(client.PatchAsync(location, offset, rest.ToArray()), client.PatchAsync(location, offset, rest.ToArray()));
                Array.ForEach(racing, response => response.Dispose());
                break;
            default:
                // A writer stalls mid-body; a resuming client takes its lease over.
                await using (await StalledPatch.StartAsync(service.BaseAddress, location, offset, rest.Length, part))
                {
                    var resumeAt = await client.OffsetAsync(location);
                    using (await client.PatchAsync(location, resumeAt, source[(int)resumeAt..]))
                    {
                    }
                }

                break;
        }
    }

    /// <summary>A step cut short by a kill is just a client that lost its connection; wait for the service and go on.</summary>
    private async Task OutlivingKillsAsync(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or SocketException or TaskCanceledException)
        {
            await WaitForRestartAsync();
        }
    }

    private async Task<T> UntilAnsweredAsync<T>(Func<Task<T>> ask)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await ask();
            }
            catch (Exception exception) when (attempt < 20 && exception is HttpRequestException or IOException or SocketException or TaskCanceledException)
            {
                await WaitForRestartAsync();
            }
        }
    }

    private async Task WaitForRestartAsync()
    {
        await _restarting.WaitAsync();
        _restarting.Release();
    }
}
