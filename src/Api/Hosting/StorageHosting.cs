using Azure.Storage.Blobs;
using OrleansUploads.Api.Storage;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Hosting;

/// <summary>Which store holds the upload bytes, from <c>Storage:Kind</c>.</summary>
public static class StorageHosting
{
    public static IServiceCollection AddUploadStore(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        if (!storage.UsesAzure)
        {
            return services.AddSingleton<IUploadStore>(new FileUploadStore(Path.Combine(ClusterSettings.DataFolder(configuration), "files"), storage.FlushToDisk));
        }

        if (string.IsNullOrWhiteSpace(storage.Azure.ConnectionString))
        {
            throw new InvalidOperationException("Storage:Kind is azure, but Storage:Azure:ConnectionString is not set.");
        }

        // Few, quick retries: a request waits on the store, and an unreachable one must answer 503 soon.
        var options = new BlobClientOptions { Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(200), NetworkTimeout = TimeSpan.FromSeconds(30) } };
        var store = new AzureBlobUploadStore(new BlobContainerClient(storage.Azure.ConnectionString, storage.Azure.Container, options), storage.Azure.BlockSize);
        services.AddSingleton<IUploadStore>(store);
        services.AddHostedService(_ => new StoreCheck(store));
        return services;
    }

    /// <summary>
    /// Checks the store before the API takes requests; a store it cannot use stops start-up. It runs in
    /// the starting phase, before any hosted service starts (the web server among them), so the API
    /// never listens with a store it cannot use.
    /// </summary>
    private sealed class StoreCheck(AzureBlobUploadStore store) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken) => store.CheckAsync(cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
