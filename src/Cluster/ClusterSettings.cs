using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace OrleansUploads.Cluster;

/// <summary>Where a silo listens and which cluster it joins, from the <c>Cluster</c> configuration section (not <c>Orleans</c>, which Orleans reads itself).</summary>
public sealed class ClusterSettings
{
    public const string Section = "Cluster";

    // Sections of Orleans' own options, bound as Orleans defines them.
    public const string MembershipSection = "Cluster:Membership";
    public const string GatewaySection = "Cluster:Gateway";
    public const string RemindersSection = "Cluster:Reminders";
    public const string GrainCollectionSection = "Cluster:GrainCollection";
    public const string GrainDirectorySection = "Cluster:GrainDirectory";

    public const string DashboardSetting = "Dashboard:Enabled";
    public const string DataPathSetting = "Storage:DataPath";

    /// <summary>For the API: <c>cohosted</c> runs a silo in the API process; <c>client</c> joins a cluster of silo hosts.</summary>
    public string Mode { get; set; } = "cohosted";

    /// <summary>
    /// <c>localhost</c>: one silo on this machine, state on local disk (the embedded default).
    /// <c>redis</c>: membership, grain state and stream subscriptions in the Redis at <see cref="RedisConnectionString"/>.
    /// </summary>
    public string Clustering { get; set; } = "localhost";

    public string RedisConnectionString { get; set; } = "localhost:6379";

    /// <summary>The address other silos and clients reach this silo at (with Redis clustering).</summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    public string ClusterId { get; set; } = "uploads";
    public string ServiceId { get; set; } = "OrleansUploads";

    /// <summary>
    /// How long a grain call may go unanswered (Orleans' default is 30 s). A call in flight to a silo
    /// that crashed is never answered, so it waits this long; upload calls that are safe to repeat
    /// are then sent again (<see cref="RefusedCallRetryFilter"/>). Upload calls take milliseconds, so
    /// a few seconds leaves room for heavy load while keeping a failover short.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a request keeps sending a grain call that the cluster refused (the grain's silo died
    /// and is not yet declared dead) or that went unanswered and is safe to repeat, before it gives
    /// up with 503. Longer than failure detection takes, so a silo's death is absorbed.
    /// </summary>
    public TimeSpan FailoverWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Names the cluster every silo and client of this service joins.</summary>
    public void Name(ClusterOptions options) => (options.ClusterId, options.ServiceId) = (ClusterId, ServiceId);

    public bool IsClient => string.Equals(Mode, "client", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Orleans Dashboard (<c>Dashboard:Enabled</c>), off unless asked for: silos collect for it and the API serves it at <c>/dashboard</c>.</summary>
    public static bool DashboardEnabled(IConfiguration configuration) => StartSettings.Value<bool>(configuration, DashboardSetting);

    public bool UsesRedis => string.Equals(Clustering, "redis", StringComparison.OrdinalIgnoreCase);

    /// <summary>Where uploads keep their bytes and, in the embedded mode, their grain state.</summary>
    public static string DataFolder(IConfiguration configuration) =>
        Path.GetFullPath(configuration[DataPathSetting] ?? "data");

    /// <exception cref="StartRefusedException">A mode or clustering this service does not know.</exception>
    public static ClusterSettings From(IConfiguration configuration)
    {
        var settings = StartSettings.Read<ClusterSettings>(configuration, Section);
        RefuseUnknown(nameof(Mode), settings.Mode, "cohosted", "client");
        RefuseUnknown(nameof(Clustering), settings.Clustering, "localhost", "redis");
        return settings;
    }

    /// <summary>A misspelt name would otherwise run as the default: an API meant to join a cluster would quietly host a silo of its own.</summary>
    private static void RefuseUnknown(string setting, string value, params string[] known)
    {
        // Left blank (an empty environment variable from a template) means the default, as an absent setting does.
        if (!string.IsNullOrWhiteSpace(value) && !known.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            throw new StartRefusedException($"{Section}:{setting} is '{value}'; it must be {string.Join(" or ", known)}.");
        }
    }
}
