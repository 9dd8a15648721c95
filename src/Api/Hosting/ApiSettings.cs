using OrleansUploads.Api.Access;
using OrleansUploads.Api.Hooks;
using OrleansUploads.Api.Limits;
using OrleansUploads.Api.Storage;
using OrleansUploads.Api.Uploads;
using OrleansUploads.Cluster;
using OrleansUploads.Grains;

namespace OrleansUploads.Api.Hosting;

/// <summary>What the API, with the silo it may host, reads of its settings: the cluster's, and every section of its own.</summary>
public static class ApiSettings
{
    public static SettingsRead Read { get; } = SettingsRead.OfCluster.With(
        [
            (UploadApiOptions.Section, typeof(UploadApiOptions)),
            (UploadGrainOptions.Section, typeof(UploadGrainOptions)),
            (ValidationOptions.Section, typeof(ValidationOptions)),
            (WebhookOptions.Section, typeof(WebhookOptions)),
            (StorageOptions.Section, typeof(StorageOptions)),
            (AccessOptions.Section, typeof(AccessOptions)),
            (LimitOptions.Section, typeof(LimitOptions)),
        ],
        [ClusterSettings.DataPathSetting, MetricsHosting.OtlpEndpointSetting, MetricsHosting.ConsoleTracesSetting]);
}
