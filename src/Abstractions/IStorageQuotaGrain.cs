namespace OrleansUploads.Abstractions;

/// <summary>
/// The bytes one owner's uploads hold (declared sizes of unfinished uploads and sizes of kept ones),
/// against <c>Uploads:Validation:MaxBytesPerOwner</c>. Uploads reserve at creation and release when
/// they end without completing, or when their completed file is deleted.
/// </summary>
public interface IStorageQuotaGrain : IGrainWithStringKey
{
    /// <summary>Reserves <paramref name="bytes"/> for the upload unless the owner's total would pass <paramref name="limit"/>.</summary>
    Task<bool> TryReserveAsync(string uploadId, long bytes, long limit, CancellationToken cancellationToken = default);

    Task ReleaseAsync(string uploadId, CancellationToken cancellationToken = default);

    [Idempotent]
    Task<long> GetUsedAsync(CancellationToken cancellationToken = default);
}
