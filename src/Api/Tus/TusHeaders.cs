namespace OrleansUploads.Api.Tus;

/// <summary>The tus 1.0 vocabulary this server speaks.</summary>
/// <remarks>The IETF draft's vocabulary, a protocol of its own, is <see cref="ResumableDraft"/>, which says why the two stay apart.</remarks>
public static class TusHeaders
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,creation-with-upload,creation-defer-length,termination,checksum,expiration,concatenation,concatenation-unfinished";
    public const string ChecksumAlgorithms = "sha1,sha256,md5";
    public const string OffsetContentType = "application/offset+octet-stream";

    public const string TusResumable = "Tus-Resumable";
    public const string TusVersion = "Tus-Version";
    public const string TusExtension = "Tus-Extension";
    public const string TusMaxSize = "Tus-Max-Size";
    public const string TusChecksumAlgorithm = "Tus-Checksum-Algorithm";
    public const string UploadOffset = "Upload-Offset";
    public const string UploadLength = "Upload-Length";
    public const string UploadDeferLength = "Upload-Defer-Length";
    public const string UploadConcat = "Upload-Concat";
    public const string UploadMetadata = "Upload-Metadata";

    /// <summary>This service's own: the upload's state, and its processing stage (see <c>TusResults.AddState</c>).</summary>
    public const string UploadState = "Upload-State";
    public const string UploadChecksum = "Upload-Checksum";
    public const string UploadExpires = "Upload-Expires";
    public const string MethodOverride = "X-HTTP-Method-Override";

    /// <summary>Response headers a browser on another origin must be allowed to read.</summary>
    public static readonly string[] Exposed =
    [
        UploadOffset, UploadLength, UploadMetadata, UploadExpires, TusResumable, TusVersion, TusExtension, TusMaxSize, TusChecksumAlgorithm,
        UploadState, UploadConcat, UploadDeferLength, "Location", "Retry-After", "Link", "Upload-Complete", "Upload-Limit",
    ];

    /// <summary>The answer to <c>OPTIONS</c>: what this server speaks.</summary>
    public static void AddDiscovery(IHeaderDictionary headers, long maxSize)
    {
        headers[TusVersion] = Version;
        headers[TusExtension] = Extensions;
        headers[TusMaxSize] = maxSize.ToString();
        headers[TusChecksumAlgorithm] = ChecksumAlgorithms;
    }

    /// <summary>Status code of the checksum extension for a chunk whose checksum does not match.</summary>
    public const int ChecksumMismatch = 460;

    /// <summary>
    /// Parses an offset or length: plain decimal digits only, as the protocol defines them
    /// (no sign, no spaces, no exponent) and within a 64-bit signed range.
    /// </summary>
    public static bool TryParseSize(string? text, out long value)
    {
        value = 0;
        return text is { Length: > 0 and <= 19 }
            && text.All(char.IsAsciiDigit)
            && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);
    }
}
