using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansUploads.Abstractions;
using OrleansUploads.Grains;

namespace OrleansUploads.Tests.Grains;

/// <summary>
/// Retention periods longer than a timer can wait (about 49 days), where reminders wait only as
/// grains leave memory and timers tick while they are in it, as on the embedded silo.
/// </summary>
public sealed class LongRetentionTests : IAsyncLifetime
{
    private static readonly TimeSpan LongerThanATimer = TimeSpan.FromDays(90);
    private InProcessTestCluster? _cluster;

    private IClusterClient Client => _cluster!.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            GrainClusterFixture.AddUploadStores(silo);
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.Configure<UploadGrainOptions>(options =>
            {
                options.RemindOnlyWhenIdle = true;
                options.ExpireAfter = LongerThanATimer;
                options.KeepCompletedFor = LongerThanATimer;
                options.ForgetEndedAfter = LongerThanATimer;
            });
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(UploadStreams.Provider));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    [Fact]
    public async Task Uploads_are_created_completed_and_cancelled_whatever_their_expiry_and_retention()
    {
        var completed = Client.GetGrain<IUploadGrain>(Guid.CreateVersion7().ToString("N"));
        var cancelled = Client.GetGrain<IUploadGrain>(Guid.CreateVersion7().ToString("N"));
        var writer = Client.CreateObjectReference<IUploadWriter>(new RecordingWriter());

        var lease = (await completed.CreateWritingAsync(new UploadCreation(100, "a.bin", null, null, "owner"), writer, 100)).LeaseId!.Value;
        await cancelled.CreateAsync(new UploadCreation(100, "b.bin", null, null, "owner"));

        Assert.Equal(UploadState.Completed, (await completed.CompleteAsync(lease, 100, "digest", nothingToProcess: true)).State);
        Assert.Equal(UploadState.Cancelled, (await cancelled.CancelAsync("owner"))!.State);
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
