using System.Security.Claims;
using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Uploads;

public static class UploadLookup
{
    /// <summary>The caller's upload with this id; null for a malformed id, an unknown one or another owner's.</summary>
    public static async Task<UploadStatus?> FindAsync(this UploadServices services, string id, ClaimsPrincipal user) =>
        UploadId.IsValid(id) ? await services.Grains.GetGrain<IUploadGrain>(id).GetStatusAsync(services.Caller.OwnerOf(user)) : null;
}
