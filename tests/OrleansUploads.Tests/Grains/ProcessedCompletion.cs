using OrleansUploads.Abstractions;

namespace OrleansUploads.Tests.Grains;

/// <summary>Completion as the API drives it: the last byte stored, then processing claimed and ended with no stage failing.</summary>
public static class ProcessedCompletion
{
    public static async Task<UploadStatus> CompleteAndProcessAsync(this IUploadGrain grain, IGrainFactory grains, Guid leaseId, long offset, string sha256)
    {
        await grain.CompleteAsync(leaseId, offset, sha256);
        var claim = await grain.ClaimProcessingAsync(grains.CreateObjectReference<IUploadWriter>(new RecordingWriter()));
        return await grain.FinishProcessingAsync(claim.LeaseId!.Value, error: null);
    }
}
