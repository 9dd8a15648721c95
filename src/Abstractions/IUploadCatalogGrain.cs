namespace OrleansUploads.Abstractions;

/// <summary>The unfinished uploads of one owner, so they can be listed without scanning storage.</summary>
public interface IUploadCatalogGrain : IGrainWithStringKey
{
    Task AddAsync(string uploadId, CancellationToken cancellationToken = default);

    /// <summary>Adds the upload unless the owner already has <paramref name="limit"/> unfinished ones.</summary>
    Task<bool> TryAddAsync(string uploadId, int limit, CancellationToken cancellationToken = default);

    Task RemoveAsync(string uploadId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Up to <paramref name="max"/> ids of unfinished uploads, oldest first, after <paramref name="after"/>
    /// (from the oldest when null): a page of the list, read from this index alone.
    /// </summary>
    Task<IReadOnlyList<string>> GetPageAsync(string? after, int max, CancellationToken cancellationToken = default);
}
