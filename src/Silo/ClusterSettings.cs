namespace OrleansUploads.Silo;

/// <summary>Where a silo listens and which cluster it joins, from the <c>Orleans</c> configuration section.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Orleans";

    /// <summary>For the API: <c>cohosted</c> runs a silo in the API process; <c>client</c> joins a cluster of silo hosts.</summary>
    public string Mode { get; set; } = "cohosted";

    public bool IsClient => string.Equals(Mode, "client", StringComparison.OrdinalIgnoreCase);

    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    public string ClusterId { get; set; } = "uploads";
    public string ServiceId { get; set; } = "OrleansUploads";
}
