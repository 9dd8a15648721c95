using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansUploads.Abstractions;
using OrleansUploads.Cluster;
using OrleansUploads.Grains;

namespace OrleansUploads.Tests.Grains;

/// <summary>Paused uploads cost storage, not memory: their grains leave memory once idle and come back whole.</summary>
public sealed class IdleUploadTests : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    private IClusterClient Client => _cluster!.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            GrainClusterFixture.AddUploadStores(silo);
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.Configure<UploadGrainOptions>(options => options.IdleLifetime = TimeSpan.FromSeconds(2));
            silo.Services.Configure<GrainCollectionOptions>(options => options.CollectionQuantum = TimeSpan.FromSeconds(1));
            silo.CollectIdleUploads();
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(UploadStreams.Provider));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    [Fact]
    public async Task Idle_upload_grains_leave_memory_after_the_idle_lifetime_and_keep_their_state()
    {
        var uploads = Enumerable.Range(0, 20).Select(_ => Client.GetGrain<IUploadGrain>(Guid.CreateVersion7().ToString("N"))).ToArray();
        await Task.WhenAll(uploads.Select(upload => upload.CreateAsync(new UploadCreation(100, "a.bin", null, null, "owner"))));
        Assert.Equal(20, await UploadActivationsAsync());

        await Eventually.UntilAsync(UploadActivationsAsync, count => count == 0, TimeSpan.FromSeconds(30), "the idle uploads' grains to leave memory");

        var statuses = await Task.WhenAll(uploads.Select(upload => upload.GetStatusAsync("owner")));
        Assert.All(statuses, status => Assert.Equal((UploadState.Created, 100L), (status!.State, status.TotalBytes)));
    }

    private async Task<int> UploadActivationsAsync()
    {
        var statistics = await Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains(nameof(UploadGrain))).Sum(s => s.ActivationCount);
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
