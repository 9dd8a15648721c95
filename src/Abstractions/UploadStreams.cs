namespace OrleansUploads.Abstractions;

/// <summary>Names shared by the grains that publish progress and the web tier that relays it.</summary>
public static class UploadStreams
{
    public const string Provider = "UploadEvents";

    /// <summary>One stream per upload in this namespace, keyed by the upload id.</summary>
    public const string Namespace = "uploads";

    /// <summary>The grain storage the stream provider keeps its subscriptions in.</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>The grain storage upload state is kept in.</summary>
    public const string UploadStore = "uploads";
}
