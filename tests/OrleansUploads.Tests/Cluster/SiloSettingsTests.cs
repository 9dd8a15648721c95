namespace OrleansUploads.Tests.Cluster;

/// <summary>
/// A silo host names a setting under the cluster's sections that nothing reads, as the API does; the API's
/// own sections, which a shared settings file gives the silo too, it leaves to the API.
/// </summary>
public sealed class SiloSettingsTests
{
    [Fact]
    public async Task A_silo_names_a_misspelt_cluster_setting_and_leaves_the_apis_settings_alone()
    {
        await using var silo = await SiloProcess.StartAsync(null,
            "--Cluster:ResponseTimout=00:00:09", "--Cluster:Membership:ProbeTimeout=00:00:05", "--Uploads:MaxSizeBytes=1000", "--Storage:Kind=file", "--Limits:AllowedOrigins:0=http://127.0.0.1:1");

        var warnings = silo.Output.Split('\n').Where(line => line.Contains(" is no setting of this service") || line.Contains(" is a list: ")).ToArray();
        Assert.Contains("Cluster:ResponseTimout is no setting of this service", Assert.Single(warnings));
    }
}
