using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace OrleansUploads.Api.Uploads;

/// <summary>Upload ids are 32 lowercase hex digits minted here; anything else names no upload.</summary>
public static class UploadId
{
    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdef");

    public static string New() => Guid.NewGuid().ToString("N");

    public static bool IsValid([NotNullWhen(true)] string? candidate) =>
        candidate is { Length: 32 } && !candidate.AsSpan().ContainsAnyExcept(Hex);
}
