using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansUploads.Abstractions;
using OrleansUploads.Cluster;
using OrleansUploads.Grains;

namespace OrleansUploads.Tests.Grains;

/// <summary>The grain's state store fails a write: nothing the grain shows may run ahead of what it stored.</summary>
public sealed class StateWriteFailureTests : IAsyncLifetime
{
    private readonly string _folder = DataFolder.New();
    private InProcessTestCluster? _cluster;
    private FailingGrainStorage? _storage;

    private IClusterClient Client => _cluster!.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGrainStorage(UploadStreams.UploadStore, (services, _) => _storage ??= new FailingGrainStorage(
                new FileGrainStorage(_folder, new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()))));
            silo.AddMemoryGrainStorage(UploadStreams.PubSubStore);
            silo.AddMemoryStreams(UploadStreams.Provider);
            silo.UseInMemoryReminderService();
            silo.Services.AddUploadGrainServices();
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.Configure<UploadGrainOptions>(options => options.ProgressInterval = TimeSpan.Zero);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(UploadStreams.Provider));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    [Fact]
    public async Task A_failed_progress_write_leaves_the_upload_resumable_from_what_is_stored()
    {
        var grain = await CreateAsync(1000);
        var lease = (await grain.AcquireLeaseAsync(0, Writer(), "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(lease, 100);

        _storage!.FailWrites = true;
        await Assert.ThrowsAnyAsync<Exception>(() => grain.ReportStoredAsync(lease, 200));
        await Assert.ThrowsAnyAsync<Exception>(() => grain.ReleaseLeaseAsync(lease, 200));
        _storage.FailWrites = false;

        Assert.Equal(100, (await grain.GetStatusAsync("owner"))!.BytesReceived);
        var resumed = await grain.AcquireLeaseAsync(100, Writer(), "owner");
        Assert.Equal((null, 100L), (resumed.Refusal, resumed.Status!.BytesReceived));
    }

    /// <summary>Into verifying, or completed at once by the writer of the last byte when nothing is to be processed.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_completion_that_was_not_stored_is_never_shown(bool nothingToProcess)
    {
        var grain = await CreateAsync(1000);
        var lease = (await grain.AcquireLeaseAsync(0, Writer(), "owner")).LeaseId!.Value;
        await grain.ReportStoredAsync(lease, 1000);

        _storage!.FailWrites = true;
        await Assert.ThrowsAnyAsync<Exception>(() => grain.CompleteAsync(lease, 1000, "digest", nothingToProcess));
        var shown = await grain.GetStatusAsync("owner");
        _storage.FailWrites = false;

        Assert.NotEqual(UploadState.Completed, shown!.State);
        Assert.Null(shown.Sha256);
    }

    [Fact]
    public async Task A_creation_with_a_body_that_was_not_stored_grants_nothing_and_can_be_made_again()
    {
        var grain = Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));
        var creation = new UploadCreation(1000, null, null, null, "owner");
        Assert.Null(await grain.PeekAsync());

        _storage!.FailWrites = true;
        await Assert.ThrowsAnyAsync<Exception>(() => grain.CreateWritingAsync(creation, Writer(), 1000));
        var shown = await grain.GetStatusAsync("owner");
        _storage.FailWrites = false;
        var again = await grain.CreateWritingAsync(creation, Writer(), 1000);

        Assert.Null(shown);
        Assert.NotNull(again.LeaseId);
        Assert.Equal((UploadState.Uploading, 1L), (again.Status!.State, again.Epoch));
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }

        DataFolder.Delete(_folder);
    }

    private async Task<IUploadGrain> CreateAsync(long size)
    {
        var grain = Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N"));
        await grain.CreateAsync(new UploadCreation(size, null, null, null, "owner"));
        return grain;
    }

    private IUploadWriter Writer() => Client.CreateObjectReference<IUploadWriter>(new RecordingWriter());
}
