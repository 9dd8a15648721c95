using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansUploads.Abstractions;
using OrleansUploads.Grains;

namespace OrleansUploads.Tests.Grains;

/// <summary>An in-process Orleans cluster hosting the upload grains with in-memory storage and streams.</summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public IClusterClient Client => _cluster?.Client ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            AddUploadStores(silo);
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.Configure<UploadGrainOptions>(options =>
            {
                options.ProgressInterval = TimeSpan.FromMilliseconds(50);
                options.LeaseTakeoverTimeout = TimeSpan.FromSeconds(2);
                options.WriterSilence = TimeSpan.FromSeconds(1);
                options.ProcessingSilence = TimeSpan.FromSeconds(1);
            });
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(UploadStreams.Provider));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    /// <summary>What upload grains need from a test silo: in-memory state, streams and reminders.</summary>
    public static void AddUploadStores(ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(UploadStreams.UploadStore);
        silo.AddMemoryGrainStorage(UploadStreams.PubSubStore);
        silo.AddMemoryStreams(UploadStreams.Provider);
        silo.UseInMemoryReminderService();
        silo.Services.AddUploadGrainServices();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
