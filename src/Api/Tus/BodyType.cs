using Microsoft.Net.Http.Headers;

namespace OrleansUploads.Api.Tus;

/// <summary>Whether a request's body has the media type a protocol asks for (tus's offset stream, the draft's partial upload).</summary>
public static class BodyType
{
    /// <summary>
    /// Type and subtype compared without regard to case, and parameters after them allowed, as RFC 9110
    /// (section 8.3.1) has it: <c>Application/Offset+Octet-Stream; charset=utf-8</c> is the offset stream too.
    /// </summary>
    public static bool Is(HttpRequest request, string mediaType) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var sent) && sent.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase);
}
