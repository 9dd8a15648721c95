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
    /// <summary>Longer than a timer can wait (about 49 days), which is the grain's to mind while the reminder waits.</summary>
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
                options.IdleLifetime = TimeSpan.FromSeconds(2);
                // As the embedded silo has it, whose in-memory reminders die with the process.
                options.RemindOnlyAsGrainsLeave();
                options.ExpireAfter = LongerThanATimer;
                options.ForgetEndedAfter = LongerThanATimer;
            });
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

    [Fact]
    public async Task Reminders_that_die_with_the_process_are_registered_only_as_an_unfinished_upload_leaves_memory()
    {
        var paused = Client.GetGrain<IUploadGrain>(Guid.CreateVersion7().ToString("N"));
        var finished = Client.GetGrain<IUploadGrain>(Guid.CreateVersion7().ToString("N"));
        var writer = Client.CreateObjectReference<IUploadWriter>(new RecordingWriter());
        await paused.CreateAsync(new UploadCreation(100, "a.bin", null, null, "owner"));
        var lease = (await finished.CreateWritingAsync(new UploadCreation(100, "b.bin", null, null, "owner"), writer, 100)).LeaseId!.Value;
        Assert.Equal(UploadState.Completed, (await finished.CompleteAsync(lease, 100, "digest", nothingToProcess: true)).State);
        Assert.Empty(await RemindersOfAsync(paused));
        Assert.Empty(await RemindersOfAsync(finished));

        await Eventually.UntilAsync(UploadActivationsAsync, count => count == 0, TimeSpan.FromSeconds(30), "the uploads' grains to leave memory");

        // The unfinished upload can still expire with no call to wake it; the completed one needs nothing.
        Assert.Equal(["expiry"], (await RemindersOfAsync(paused)).Select(reminder => reminder.ReminderName));
        Assert.Empty(await RemindersOfAsync(finished));
    }

    [Fact]
    public async Task Uploads_are_created_and_cancelled_whatever_their_expiry_and_retention()
    {
        var upload = Client.GetGrain<IUploadGrain>(Guid.CreateVersion7().ToString("N"));

        Assert.Equal(UploadState.Created, (await upload.CreateAsync(new UploadCreation(100, "a.bin", null, null, "owner"))).State);
        Assert.Equal(UploadState.Cancelled, (await upload.CancelAsync("owner"))!.State);
    }

    private async Task<IList<ReminderEntry>> RemindersOfAsync(IUploadGrain grain) =>
        (await _cluster!.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>().ReadRows(grain.GetGrainId())).Reminders;

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
