namespace OrleansUploads.Api.Storage;

/// <summary>The <c>Storage:Azure</c> section.</summary>
public sealed class AzureBlobOptions
{
    /// <summary>An Azure Storage connection string (for Azurite, one naming its <c>BlobEndpoint</c>).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The container that holds one blob per upload; made at start-up when missing.</summary>
    public string Container { get; set; } = "uploads";

    /// <summary>
    /// Bytes gathered before they are staged as one block (4 MiB by default). An offset is reported once
    /// its block is staged, so this is also how much a crash mid-request can lose of what was received.
    /// </summary>
    public int BlockSize { get; set; } = 4 << 20;
}
