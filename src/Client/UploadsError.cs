namespace OrleansUploads.Client;

/// <summary>What went wrong, in the terms a caller acts on.</summary>
public enum UploadsError
{
    /// <summary>The service answered, but refused or could not finish the request (a failed upload, a bad request, a full store).</summary>
    Failed,

    /// <summary>No upload has that id, or it belongs to someone else (the service does not tell the two apart).</summary>
    NotFound,

    /// <summary>No token, an invalid one, or one that may not do this (401 or 403).</summary>
    Unauthorized,

    /// <summary>The service could not be reached, or kept answering 5xx after every retry.</summary>
    Unreachable,
}
