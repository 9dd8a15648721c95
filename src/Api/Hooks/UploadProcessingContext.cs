using OrleansUploads.Abstractions;

namespace OrleansUploads.Api.Hooks;

/// <summary>What a processor gets: the upload, its stored bytes, and a way to say how far it has got.</summary>
public sealed class UploadProcessingContext(UploadStatus upload, Func<CancellationToken, Task<Stream>> openContent, Func<double, Task> reportProgress)
{
    /// <summary>The upload as verified: all bytes stored, SHA-256 known.</summary>
    public UploadStatus Upload => upload;

    /// <summary>The metadata the client declared, as text.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; } = UploadMetadata.Of(upload.Metadata).ToText();

    /// <summary>The stored bytes, from the first; the caller disposes the stream.</summary>
    public Task<Stream> OpenContentAsync(CancellationToken cancellationToken) => openContent(cancellationToken);

    /// <summary>How far the stage has got, from 0 to 1; watchers see it at most once per progress interval.</summary>
    public Task ReportProgressAsync(double fraction) => reportProgress(Math.Clamp(fraction, 0, 1));
}
