namespace OrleansUploads.Api.Apis;

/// <summary>Where an upload lives, as the <c>Location</c> of the request that created it.</summary>
public static class UploadLocation
{
    public const string UploadsPath = "/api/uploads";

    /// <summary>Where a finished upload's bytes are read, below the upload's own path.</summary>
    public const string ContentPath = "/content";

    /// <summary>Whether the request reads an upload's content rather than the upload itself.</summary>
    public static bool IsContent(HttpRequest request) => request.Path.Value?.EndsWith(ContentPath, StringComparison.Ordinal) == true;

    public static string Of(HttpRequest request, string uploadId) => $"{request.PathBase}{UploadsPath}/{uploadId}";
}
