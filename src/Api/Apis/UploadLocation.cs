namespace OrleansUploads.Api.Apis;

/// <summary>Where an upload lives, as the <c>Location</c> of the request that created it.</summary>
public static class UploadLocation
{
    public const string UploadsPath = "/api/uploads";

    public static string Of(HttpRequest request, string uploadId) => $"{request.PathBase}{UploadsPath}/{uploadId}";
}
