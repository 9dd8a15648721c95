using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansUploads.Grains;

namespace OrleansUploads.Cluster;

/// <summary>
/// Gives the memory of grains that left back to the system once many have left. The garbage collector
/// runs only when a process allocates, so a service that goes quiet after thousands of uploads paused
/// would otherwise keep their memory for as long as it stays quiet. One full collection, which pauses
/// the process briefly, after at least <see cref="Threshold"/> activations left.
/// </summary>
internal sealed class IdleMemoryRelease(IGrainFactory grains, ILocalSiloDetails silo, IOptions<UploadGrainOptions> options, ILogger<IdleMemoryRelease> logger) : BackgroundService
{
    private const int Threshold = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.IdleLifetime / 2);
        var peak = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            int activations;
            try
            {
                activations = (await grains.GetGrain<IManagementGrain>(0).GetRuntimeStatistics([silo.SiloAddress]))[0].ActivationCount;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The silo is starting or stopping; the next tick looks again.
                logger.LogDebug(exception, "Could not count this silo's activations");
                continue;
            }

            peak = Math.Max(peak, activations);
            if (peak - activations >= Threshold)
            {
                logger.LogInformation("{Left} grains left memory; collecting to give their memory back", peak - activations);
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                peak = activations;
            }
        }
    }
}
