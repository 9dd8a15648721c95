using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Uploads;

internal static class LeaseRelease
{
    /// <summary>
    /// Lets go of a lease after storage or the cluster failed mid-request, keeping <paramref name="offset"/>.
    /// Null when the grain cannot be reached either: a newer writer's takeover ends the lease then.
    /// </summary>
    public static async Task<UploadStatus?> ReleaseAfterFailureAsync(this IUploadGrain grain, Guid leaseId, long offset)
    {
        try
        {
            return await grain.ReleaseLeaseAsync(leaseId, offset, CancellationToken.None);
        }
        catch (Exception)
        {
            return null;
        }
    }
}
