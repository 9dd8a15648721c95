namespace OrleansUploads.Api.Uploads;

/// <summary>How copying one request body into storage stopped.</summary>
internal enum BodyEnd
{
    /// <summary>The client sent the whole body.</summary>
    Whole,

    /// <summary>The body ran past the declared size or the size limit.</summary>
    Overflow,

    /// <summary>The grain said stop: a newer request took over, or the upload was cancelled or finished.</summary>
    Stopped,

    /// <summary>The client went away mid-body.</summary>
    Dropped,

    /// <summary>Kestrel cut the body for arriving slower than the minimum data rate.</summary>
    TooSlow,
}
