namespace OrleansUploads.Api.Apis;

/// <summary>
/// The status of an answer that means "not now": the cluster or storage did not answer, or the caller
/// reached the rate limit. tus clients take any answer to a HEAD of an upload but 2xx and 423 for a lost
/// upload, forget it and start the file over under a new id; 423 (Locked) they retry. A HEAD of a
/// file's content is a download's, answered as its GET would be.
/// </summary>
public static class RetryLater
{
    public static int StatusFor(HttpRequest request, int status) =>
        HttpMethods.IsHead(request.Method) && request.Path.StartsWithSegments(UploadLocation.UploadsPath) && !UploadLocation.IsContent(request)
            ? StatusCodes.Status423Locked
            : status;
}
