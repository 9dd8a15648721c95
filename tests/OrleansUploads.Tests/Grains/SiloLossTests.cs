using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;
using Orleans.TestingHost;
using OrleansUploads.Abstractions;
using OrleansUploads.Cluster;
using OrleansUploads.Grains;

namespace OrleansUploads.Tests.Grains;

/// <summary>
/// Three in-process silos sharing durable grain storage: losing the silo that hosts an upload
/// re-activates the grain elsewhere with its committed state, and stream subscribers keep their events.
/// </summary>
public sealed class SiloLossTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _stateFolder = Directory.CreateTempSubdirectory("silo-loss-").FullName;
    private InProcessTestCluster? _cluster;

    private InProcessTestCluster Cluster => _cluster!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGrainStorage(UploadStreams.UploadStore, (services, _) => Store(services));
            silo.Services.AddGrainStorage(UploadStreams.PubSubStore, (services, _) => Store(services));
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
        builder.ConfigureClient(client => client.AddMemoryStreams(UploadStreams.Provider));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Directory.Delete(_stateFolder, recursive: true);
    }

    [Fact]
    public async Task The_grain_of_a_lost_silo_comes_back_elsewhere_with_its_offset_and_its_watchers_keep_listening()
    {
        var client = Cluster.Client;
        var id = Guid.NewGuid().ToString("N");
        var grain = client.GetGrain<IUploadGrain>(id);
        await grain.CreateAsync(new UploadCreation(1000, "a.bin", null, null, "owner"));
        var writer = client.CreateObjectReference<IUploadWriter>(new RecordingWriter());
        var lease = (await grain.AcquireLeaseAsync(0, writer, "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(lease, 400);
        await grain.ReleaseLeaseAsync(lease, 400);

        var completed = new TaskCompletionSource<UploadStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new List<long>();
        await client.GetStreamProvider(UploadStreams.Provider).GetStream<UploadStatus>(StreamId.Create(UploadStreams.Namespace, id))
            .SubscribeAsync((status, _) =>
            {
                lock (seen)
                {
                    seen.Add(status.BytesReceived);
                }

                if (status.State == UploadState.Completed)
                {
                    completed.TrySetResult(status);
                }

                return Task.CompletedTask;
            });
        await grain.WatchAsync("owner");

        var host = await client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        await Cluster.KillSiloAsync(Cluster.Silos.Single(silo => silo.SiloAddress.Equals(host)));

        var revived = await grain.GetStatusAsync("owner").WaitAsync(Patience);
        Assert.Equal((UploadState.Paused, 400L), (revived!.State, revived.BytesReceived));
        Assert.NotEqual(host, await client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain));
        var newLease = (await grain.AcquireLeaseAsync(400, writer, "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(newLease, 700);
        await grain.CompleteAndProcessAsync(client, newLease, 1000, "digest");

        var final = await completed.Task.WaitAsync(Patience);
        Assert.Equal((1000L, "digest"), (final.BytesReceived, final.Sha256));
        lock (seen)
        {
            Assert.True(seen.Zip(seen.Skip(1)).All(pair => pair.First <= pair.Second), string.Join(", ", seen));
        }
    }

    private FileGrainStorage Store(IServiceProvider services) =>
        new(_stateFolder, new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()));
}
