using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansUploads.Abstractions;
using OrleansUploads.Grains;
using StackExchange.Redis;

namespace OrleansUploads.Cluster;

/// <summary>How a silo hosts upload grains; shared by the silo host and the API's co-hosted silo.</summary>
/// <remarks>The clustering choice is mirrored for clients in <see cref="UploadClientConfiguration"/>.</remarks>
public static class UploadSiloConfiguration
{
    public static ISiloBuilder AddUploadGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var cluster = ClusterSettings.From(configuration);
        if (cluster.UsesRedis)
        {
            // Shared membership and durable shared state: any silo can take over any upload.
            silo.UseRedisClustering(cluster.RedisConnectionString);
            silo.Configure<ClusterOptions>(cluster.Name);
            silo.ConfigureEndpoints(StartSettings.Parse("Cluster:AdvertisedIPAddress", cluster.AdvertisedIPAddress, IPAddress.Parse), cluster.SiloPort, cluster.GatewayPort);
            var redis = StartSettings.Parse("Cluster:RedisConnectionString", cluster.RedisConnectionString, ConfigurationOptions.Parse);
            silo.AddRedisGrainStorage(UploadStreams.UploadStore, options => options.ConfigurationOptions = redis);
            silo.AddRedisGrainStorage(UploadStreams.PubSubStore, options => options.ConfigurationOptions = redis);
            silo.UseRedisReminderService(options => options.ConfigurationOptions = redis);
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            var grainsFolder = Path.Combine(ClusterSettings.DataFolder(configuration), "grains");
            // Claimed while the host is built, so a second process on the folder stops before it serves anything.
            GrainFolderClaim.Claim(grainsFolder);
            silo.Services.AddGrainStorage(UploadStreams.UploadStore, (services, _) => EmbeddedStore(services, grainsFolder));
            // Stream subscriptions here belong to relays of hubs on this one machine, which re-subscribe
            // whenever a stream falls silent; kept in memory, they cost no file write per watched upload.
            // Copied with Orleans' own serializer rather than the default JSON one: each upload's stream
            // stores its producers here once, and JSON made that one of the costlier steps of an upload.
            silo.AddMemoryGrainStorage(UploadStreams.PubSubStore, options => options.Configure<Serializer>(
                (memory, serializer) => memory.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
            // Reminders are lost with the process here; an upload also checks its expiry when it activates.
            // Registered as an upload's grain leaves memory, so quick uploads never call the reminder service.
            silo.UseInMemoryReminderService();
            silo.Services.Configure<UploadGrainOptions>(options => options.RemindOnlyAsGrainsLeave());
        }

        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = cluster.ResponseTimeout);
        silo.AddOutgoingGrainCallFilter(new RefusedCallRetryFilter(cluster.FailoverWait));
        // Grain calls join the trace of the request that made them.
        silo.AddActivityPropagation();
        if (ClusterSettings.DashboardEnabled(configuration))
        {
            silo.AddDashboard();
        }

        // Expiry reminders tick a few times per expiry period; a short one (in tests) needs a short minimum.
        silo.Services.Bind<ReminderOptions>(configuration, ClusterSettings.RemindersSection);

        // Failure detection: a silo that misses two 2-second probes is voted dead, within seconds rather
        // than the quarter minute of Orleans' defaults, since every upload it hosts waits until then.
        // Cluster:Membership tunes it (ProbeTimeout, NumMissedProbesLimit, ...).
        silo.Services.Configure<ClusterMembershipOptions>(options =>
        {
            options.ProbeTimeout = TimeSpan.FromSeconds(2);
            options.NumMissedProbesLimit = 2;
        });
        silo.Services.Bind<ClusterMembershipOptions>(configuration, ClusterSettings.MembershipSection);
        silo.AddMemoryStreams(UploadStreams.Provider, streams => streams.ConfigurePullingAgent(agent => agent.Configure(options =>
        {
            // Progress latency is bounded by how often agents look at their queues (100 ms by default).
            options.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(10);
        }).Configure<IOptions<UploadGrainOptions>>((options, uploads) =>
            // An agent forgets a quiet stream (and asks its rendezvous again when it speaks) as its upload's grain goes.
            options.StreamInactivityPeriod = uploads.Value.IdleLifetime)));

        // The grains bind their sections when first used; read once now, a value that does not parse stops the start.
        if (StartSettings.Read<UploadGrainOptions>(configuration, UploadGrainOptions.Section).PauseNotice < TimeSpan.Zero)
        {
            throw new StartRefusedException("Uploads:PauseNotice must not be negative.");
        }

        StartSettings.Read<WebhookOptions>(configuration, WebhookOptions.Section);
        silo.Services.AddUploadGrainServices(configuration);
        silo.CollectIdleUploads();
        // How often idle grains are looked for (Orleans checks once a minute by default).
        silo.Services.Bind<GrainCollectionOptions>(configuration, ClusterSettings.GrainCollectionSection);
        silo.Services.Bind<GrainDirectoryOptions>(configuration, ClusterSettings.GrainDirectorySection);
        silo.Services.TryAddSingleton(TimeProvider.System);
        return silo;
    }

    /// <summary>
    /// Idle upload grains, and the stream rendezvous grain each upload's events activate, leave memory
    /// after <see cref="UploadGrainOptions.IdleLifetime"/> rather than Orleans' two hours, so that many
    /// paused uploads cost storage, not memory; then the memory they held is given back to the system.
    /// </summary>
    public static ISiloBuilder CollectIdleUploads(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<UploadGrainOptions>>((collection, uploads) =>
        {
            collection.ClassSpecificCollectionAge[typeof(UploadGrain).FullName!] = uploads.Value.IdleLifetime;
            collection.ClassSpecificCollectionAge[PubSubRendezvousGrain] = uploads.Value.IdleLifetime;
        });
        silo.Services.AddHostedService<IdleMemoryRelease>();

        // Where grains live is cached for up to a million grains by default, kept after they left: with
        // two grains per upload that alone would cost a kilobyte or more per upload ever seen.
        silo.Services.Configure<GrainDirectoryOptions>(directory => directory.CacheSize = 20_000);
        return silo;
    }

    /// <summary>Keeps a stream's subscriptions; internal to Orleans, so named here as Orleans names it.</summary>
    private const string PubSubRendezvousGrain = "Orleans.Streams.PubSubRendezvousGrain";

    private static FileGrainStorage EmbeddedStore(IServiceProvider services, string folder) =>
        new(folder, new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()));
}
