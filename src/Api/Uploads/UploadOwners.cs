namespace OrleansUploads.Api.Uploads;

public static class UploadOwners
{
    /// <summary>Without authentication every caller is this one owner.</summary>
    public const string Anonymous = "anonymous";
}
