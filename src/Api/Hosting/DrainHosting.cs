using OrleansUploads.Api.Uploads;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Graceful drain on SIGTERM: before Kestrel and the cluster stop, the instance turns new upload requests away
/// (503 with <c>Retry-After</c> at the door, <c>UploadDrainGate</c>, and <c>/readyz</c> fails), lets those
/// in flight finish up to <see cref="UploadApiOptions.DrainTimeout"/>, then lets Kestrel and the silo
/// or cluster client stop.
/// </summary>
public static class DrainHosting
{
    /// <summary>What the silo or cluster client needs to stop once the drain is over.</summary>
    private static readonly TimeSpan StopAfterDrain = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddUploadDrain(this IServiceCollection services, IConfiguration configuration)
    {
        var drainTimeout = StartSettings.Read<UploadApiOptions>(configuration, UploadApiOptions.Section).DrainTimeout;
        if (drainTimeout < TimeSpan.Zero || drainTimeout > TimeSpan.FromHours(1))
        {
            throw new StartRefusedException($"Uploads:DrainTimeout must be from 0 to 1 hour; it is {drainTimeout}.");
        }

        services.AddSingleton<UploadDrain>();
        services.AddHostedService<UploadDrainer>();
        // Raised, never lowered: an operator's longer shutdown timeout stands.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromTicks(Math.Max(host.ShutdownTimeout.Ticks, (drainTimeout + StopAfterDrain).Ticks)));
        return services;
    }
}
