namespace OrleansUploads.Client;

/// <summary>What a tus <c>HEAD</c> tells about an upload.</summary>
/// <param name="Offset">The committed offset; null for a final upload whose parts are not joined yet.</param>
/// <param name="Concat">The <c>Upload-Concat</c> header: <c>partial</c>, <c>final;URL URL ...</c>, or null.</param>
internal sealed record TusHead(long? Offset, long? Length, string? Concat)
{
    public static TusHead From(HttpResponseMessage response) => new(
        Number(response, "Upload-Offset"), Number(response, "Upload-Length"),
        response.Headers.TryGetValues("Upload-Concat", out var concat) ? concat.FirstOrDefault() : null);

    /// <summary>The part URLs a final upload names, in order.</summary>
    public IEnumerable<string> FinalParts =>
        Concat is { } header && header.StartsWith("final;", StringComparison.Ordinal)
            ? header["final;".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : [];

    private static long? Number(HttpResponseMessage response, string header) =>
        response.Headers.TryGetValues(header, out var values) && long.TryParse(values.FirstOrDefault(), out var number) ? number : null;
}
