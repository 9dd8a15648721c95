using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansUploads.Abstractions;
using OrleansUploads.Cluster;
using OrleansUploads.Tests.Infrastructure;

namespace OrleansUploads.Tests.Cluster;

/// <summary>
/// A real cluster on 127.0.0.1: redis-server, silo host processes joined through Redis, and API
/// processes in client mode, all sharing one data folder for upload bytes. Failure detection is
/// shortened so a killed silo is declared dead within seconds, and a call lost with it fails within 3 s.
/// </summary>
public sealed class UploadCluster : IAsyncDisposable
{
    private readonly string _dataPath = DataFolder.New();
    private IHost? _observer;

    private readonly string[] _settings;

    private UploadCluster(RedisServer redis, string[] settings) => (Redis, _settings) = (redis, settings);

    public RedisServer Redis { get; }
    public List<SiloProcess> Silos { get; } = [];
    public List<UploadService> Apis { get; } = [];

    public string[] Settings =>
    [
        "--Cluster:Clustering=redis", $"--Cluster:RedisConnectionString={Redis.ConnectionString}",
        "--Cluster:Membership:ProbeTimeout=00:00:01", "--Cluster:Membership:NumMissedProbesLimit=1",
        "--Cluster:Membership:NumVotesForDeathDeclaration=1", "--Cluster:Membership:TableRefreshTimeout=00:00:01",
        "--Cluster:Membership:IAmAliveTablePublishTimeout=00:00:05", "--Cluster:Gateway:GatewayListRefreshPeriod=00:00:01",
        "--Uploads:LeaseTakeoverTimeout=00:00:01", "--Cluster:FailoverWait=00:00:15", "--Cluster:ResponseTimeout=00:00:03", "--Uploads:RelayHealTimeout=00:00:05",
        // The service's own decisions (relay heals, lease takeovers) show in a failed run's logs.
        "--Logging:LogLevel:OrleansUploads=Debug",
        .. _settings,
    ];

    /// <param name="store">
    /// Settings for an object store: each API instance then gets a data folder of its own, as on
    /// machines that share no disk. Without them, all share one folder for the upload bytes.
    /// </param>
    /// <param name="apiSettings">More settings for every API instance.</param>
    /// <param name="settings">More settings for every process, silos and API instances; later ones win.</param>
    public static async Task<UploadCluster> StartAsync(int silos, int apis, string[]? store = null, string[]? apiSettings = null, string[]? settings = null)
    {
        var cluster = new UploadCluster(await RedisServer.StartAsync(), settings ?? []);
        // The first silo alone, so the others find a cluster to join.
        await cluster.AddSiloAsync();
        await Task.WhenAll(Enumerable.Range(1, silos - 1).Select(_ => cluster.AddSiloAsync()));
        var started = await Task.WhenAll(Enumerable.Range(0, apis).Select(_ => store is null
            ? UploadService.StartClientAsync(cluster._dataPath, [.. cluster.Settings, .. apiSettings ?? []])
            : UploadService.StartClientAsync(DataFolder.New(), [.. cluster.Settings, .. store, .. apiSettings ?? []])));
        cluster.Apis.AddRange(started);
        return cluster;
    }

    /// <summary>Starts a silo and waits until the cluster counts it as active (listening comes earlier than joining).</summary>
    public async Task<SiloProcess> AddSiloAsync()
    {
        var silo = await SiloProcess.StartAsync(_dataPath, Settings);
        lock (Silos)
        {
            Silos.Add(silo);
        }

        if (Silos.Count > 1)
        {
            var client = (await ObserverAsync()).Services.GetRequiredService<IClusterClient>();
            await Eventually.UntilAsync(() => ActiveSilosAsync(client), ports => ports.Contains(silo.SiloPort),
                TimeSpan.FromSeconds(60), $"the silo on {silo.SiloPort} to join the cluster");
        }

        return silo;
    }

    /// <summary>The silo process that hosts an upload's grain right now, asked of the cluster itself.</summary>
    public async Task<SiloProcess> HostOfAsync(string uploadId)
    {
        var client = (await ObserverAsync()).Services.GetRequiredService<IClusterClient>();
        var address = await client.GetGrain<IManagementGrain>(0).GetActivationAddress(client.GetGrain<IUploadGrain>(uploadId));
        return Silos.Single(silo => silo.SiloPort == address!.Endpoint.Port);
    }

    /// <summary>The ports of the silos the cluster counts as active; none while it cannot say.</summary>
    private static async Task<int[]> ActiveSilosAsync(IClusterClient client)
    {
        try
        {
            return [.. (await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Keys.Select(host => host.Endpoint.Port)];
        }
        catch (Exception)
        {
            // Rejected, timed out, or the client has not yet learned the cluster's grain types.
            return [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_observer is not null)
        {
            await _observer.StopAsync();
            _observer.Dispose();
        }

        foreach (var process in Apis.Cast<IAsyncDisposable>().Concat(Silos))
        {
            await process.DisposeAsync();
        }

        await Redis.DisposeAsync();
    }

    private async Task<IHost> ObserverAsync()
    {
        if (_observer is null)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddCommandLine(Settings);
            builder.UseOrleansClient(client => client.AddUploadClient(builder.Configuration));
            _observer = builder.Build();
            await _observer.StartAsync();
        }

        return _observer;
    }
}
