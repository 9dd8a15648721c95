using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansUploads.Abstractions;
using OrleansUploads.Grains;

namespace OrleansUploads.Tests.Grains;

/// <summary>
/// An in-process cluster whose upload grains read a clock the test moves, so rules about hours of
/// idleness are checked without waiting. A test delivers the reminder's tick itself; the reminder
/// service may deliver the same tick as well once the clock has moved, so a test awaits what follows a tick.
/// </summary>
public class FakeClockCluster : IAsyncLifetime
{
    public static readonly TimeSpan ExpireAfter = TimeSpan.FromHours(1);

    private InProcessTestCluster? _cluster;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public IClusterClient Client => _cluster?.Client ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            GrainClusterFixture.AddUploadStores(silo);
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.Configure<UploadGrainOptions>(Configure);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(UploadStreams.Provider));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    /// <summary>Whether the upload store holds a record for the upload, read from the store itself, not through the grain.</summary>
    public async Task<bool> StoresRecordOfAsync(IUploadGrain grain)
    {
        var store = _cluster!.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(UploadStreams.UploadStore);
        var record = new GrainState<UploadGrainState>();
        await store.ReadStateAsync("upload", grain.GetGrainId(), record);
        return record.RecordExists;
    }

    /// <summary>The grain's timing; a cluster for other rules may set more.</summary>
    protected virtual void Configure(UploadGrainOptions options) => options.ExpireAfter = ExpireAfter;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }
}
