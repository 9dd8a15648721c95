using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace OrleansUploads.Api.Uploads;

/// <summary>Upload ids are 32 lowercase hex digits minted here; anything else names no upload.</summary>
public static class UploadId
{
    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// A version 7 UUID: its first digits are the time of creation, so ids sort oldest first and the
    /// catalogs can page through them in order; the other 74 bits are random, so ids still cannot be guessed.
    /// </summary>
    public static string New() => Guid.CreateVersion7().ToString("N");

    public static bool IsValid([NotNullWhen(true)] string? candidate) =>
        candidate is { Length: 32 } && !candidate.AsSpan().ContainsAnyExcept(Hex);
}
