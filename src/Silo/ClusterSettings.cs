namespace OrleansUploads.Silo;

/// <summary>Where a silo listens and which cluster it joins, from the <c>Orleans</c> configuration section.</summary>
public sealed class ClusterSettings
{
    public const string Section = "Orleans";

    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    public string ClusterId { get; set; } = "uploads";
    public string ServiceId { get; set; } = "OrleansUploads";
}
