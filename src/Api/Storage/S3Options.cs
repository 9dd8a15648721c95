namespace OrleansUploads.Api.Storage;

/// <summary>The <c>Storage:S3</c> section: an S3 bucket, on AWS or any S3-compatible service.</summary>
public sealed class S3Options
{
    /// <summary>S3 refuses multipart parts smaller than this, except the last.</summary>
    public const int SmallestPart = 5 << 20;

    /// <summary>Part numbers kept back from an upload's size for writers that were cut off mid-part, each of which costs one.</summary>
    public const int SpareParts = 1_000;

    /// <summary>The endpoint of an S3-compatible service (an emulator, MinIO); empty for AWS itself, which <see cref="Region"/> then names.</summary>
    public string ServiceUrl { get; set; } = "";

    public string Region { get; set; } = "us-east-1";

    /// <summary>Empty to use the SDK's own credential chain (environment, profile, instance role).</summary>
    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";

    /// <summary>The bucket that holds every upload; made at start-up when missing.</summary>
    public string Bucket { get; set; } = "uploads";

    /// <summary>Bucket in the path rather than the host name, as most S3-compatible services want.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// Bytes gathered before they are sent as one multipart part (8 MiB by default, at least 5 MiB). An
    /// offset is reported once its part is stored, so this is also how much a crash mid-request can
    /// lose of what was received; a request's last bytes are kept as a small object of their own.
    /// </summary>
    public int PartSize { get; set; } = 8 << 20;
}
