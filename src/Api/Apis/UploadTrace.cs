using System.Diagnostics;

namespace OrleansUploads.Api.Apis;

/// <summary>Tags the request's activity with the upload it is about, so a trace can be found by the upload's id.</summary>
public static class UploadTrace
{
    public const string UploadIdTag = "upload.id";

    public static void Tag(string uploadId) => Activity.Current?.SetTag(UploadIdTag, uploadId);
}
