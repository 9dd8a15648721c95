namespace OrleansUploads.Client;

/// <summary>What the service says it speaks, from <c>OPTIONS /api/uploads</c>.</summary>
public sealed record TusDiscovery(IReadOnlySet<string> Extensions, IReadOnlyList<string> ChecksumAlgorithms)
{
    /// <summary>The algorithms this client can compute, the strongest first.</summary>
    private static readonly string[] Preferred = ["sha256", "sha1", "md5"];

    /// <summary>Parallel parts need the final upload to exist before its parts finish, so the file has one id to watch from the start.</summary>
    public bool SupportsParallelParts => Extensions.Contains("concatenation") && Extensions.Contains("concatenation-unfinished");

    /// <summary>The checksum algorithm to send, or null when the service and this client share none.</summary>
    public string? ChecksumAlgorithm =>
        Extensions.Contains("checksum") ? Preferred.FirstOrDefault(a => ChecksumAlgorithms.Contains(a, StringComparer.OrdinalIgnoreCase)) : null;

    public static TusDiscovery From(HttpResponseMessage response) => new(
        Split(response, "Tus-Extension").ToHashSet(StringComparer.OrdinalIgnoreCase),
        [.. Split(response, "Tus-Checksum-Algorithm")]);

    private static IEnumerable<string> Split(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values)
            ? values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            : [];
}
