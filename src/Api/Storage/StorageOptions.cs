namespace OrleansUploads.Api.Storage;

/// <summary>Where and how upload bytes are stored, from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>
    /// Stored bytes are flushed to the disk itself (fsync) before their offset is reported, so no offset
    /// shown anywhere runs ahead of bytes that survive a power loss or a kernel crash. Turning it off
    /// is faster on slow disks and still loses nothing when only the process dies.
    /// </summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>
    /// <c>file</c> (the default): a folder every API instance sees; <c>azure</c>: Azure Blob storage;
    /// <c>s3</c>: an S3 bucket. Neither of the last two needs a shared disk.
    /// </summary>
    public string Kind { get; set; } = "file";

    public AzureBlobOptions Azure { get; set; } = new();

    public S3Options S3 { get; set; } = new();
}
