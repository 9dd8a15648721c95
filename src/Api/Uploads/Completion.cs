namespace OrleansUploads.Api.Uploads;

/// <summary>What the writer of an upload's last byte asks of the grain.</summary>
internal enum Completion
{
    /// <summary>On to verifying and processing (<see cref="UploadProcessing"/>), which completes it or fails it.</summary>
    Processed,

    /// <summary>No processor applies, and the bytes before this writer's were found stored: completed at once.</summary>
    AtOnce,
}
