using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansUploads.Abstractions;
using OrleansUploads.Grains;
using StackExchange.Redis;

namespace OrleansUploads.Tests.Grains;

/// <summary>
/// Three in-process silos sharing durable grain storage in Redis, as a cluster's silos do: losing the
/// silo that hosts an upload re-activates the grain elsewhere with its committed state, and the next
/// writer completes it there. Watchers through a silo's loss are <c>FailoverProgressTests</c>' (real
/// processes, the hub's relays): a bare stream subscription may miss the events of the revived grain
/// when its delivery ran through the lost silo, which is why the relays subscribe again.
/// </summary>
public sealed class SiloLossTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private RedisServer? _redis;
    private InProcessTestCluster? _cluster;

    private InProcessTestCluster Cluster => _cluster!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var redis = ConfigurationOptions.Parse(_redis.ConnectionString);
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddRedisGrainStorage(UploadStreams.UploadStore, options => options.ConfigurationOptions = redis);
            silo.AddRedisGrainStorage(UploadStreams.PubSubStore, options => options.ConfigurationOptions = redis);
            silo.AddMemoryStreams(UploadStreams.Provider);
            silo.UseInMemoryReminderService();
            silo.Services.AddUploadGrainServices();
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.Configure<UploadGrainOptions>(options => options.LeaseTakeoverTimeout = TimeSpan.FromSeconds(1));
            // The lost silo is declared dead within seconds, not the quarter minute of the defaults,
            // which a loaded machine would stretch past the test's patience.
            silo.Services.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 1;
                options.NumVotesForDeathDeclaration = 1;
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await _redis!.DisposeAsync();
    }

    [Fact]
    public async Task The_grain_of_a_lost_silo_comes_back_elsewhere_with_its_offset_and_completes()
    {
        var client = Cluster.Client;
        var id = Guid.NewGuid().ToString("N");
        var grain = client.GetGrain<IUploadGrain>(id);
        await grain.CreateAsync(new UploadCreation(1000, "a.bin", null, null, "owner"));
        var writer = client.CreateObjectReference<IUploadWriter>(new RecordingWriter());
        var lease = (await grain.AcquireLeaseAsync(0, writer, "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(lease, 400);
        await grain.ReleaseLeaseAsync(lease, 400);

        // Watched, as an upload with a watcher is, so the revived activation's completion is published too.
        await grain.WatchAsync("owner");

        var host = await client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        await Cluster.KillSiloAsync(Cluster.Silos.Single(silo => silo.SiloAddress.Equals(host)));

        var revived = await grain.GetStatusAsync("owner").WaitAsync(Patience);
        Assert.Equal((UploadState.Paused, 400L), (revived!.State, revived.BytesReceived));
        Assert.NotEqual(host, await client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain));
        var newLease = (await grain.AcquireLeaseAsync(400, writer, "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(newLease, 700);
        await grain.CompleteAndProcessAsync(client, newLease, 1000, "digest");

        var final = await grain.GetStatusAsync("owner");
        Assert.Equal((UploadState.Completed, 1000L, "digest"), (final!.State, final.BytesReceived, final.Sha256));
    }
}
