using Microsoft.Win32.SafeHandles;

namespace OrleansUploads.Client;

/// <summary>
/// A file's upload, created or found again on the service, ready to send what the service does not
/// have yet. Its <see cref="Id"/> is known before any byte is sent, so a watcher can follow it from the start.
/// </summary>
public sealed class TusUpload : IDisposable
{
    private readonly UploadsClient _client;
    private readonly SafeFileHandle _file;
    private readonly IReadOnlyList<TusPart> _parts;
    private readonly PartSender _sender;
    private readonly UploadSource _source;
    private readonly UploadOptions _options;

    internal TusUpload(UploadsClient client, SafeFileHandle file, Uri location, IReadOnlyList<TusPart> parts, PartSender sender, UploadSource source, UploadOptions options,
        bool resumed, UploadStatus? alreadyUploaded = null)
    {
        (_client, _file, _parts, _sender, _source, _options) = (client, file, parts, sender, source, options);
        Location = location;
        Resumed = resumed;
        ResumedAt = parts.Sum(p => p.Offset);
        AlreadyUploaded = alreadyUploaded;
    }

    /// <summary>The upload URL: keep it to resume in another run (<see cref="UploadOptions.ResumeFrom"/>).</summary>
    public Uri Location { get; }

    public string Id => UploadsClient.IdOf(Location);

    public long Length => _parts.Sum(p => p.Length);

    /// <summary>Whether this continues an upload begun earlier, rather than a new one.</summary>
    public bool Resumed { get; }

    /// <summary>How many bytes the service already had when this run began.</summary>
    public long ResumedAt { get; }

    /// <summary>
    /// The service's status when it already held this file completed, with its SHA-256, from an earlier send
    /// (found through the <see cref="UploadOptions.ResumeStore"/>): nothing is sent, and <see cref="SendAsync"/> returns it.
    /// </summary>
    public UploadStatus? AlreadyUploaded { get; }

    /// <summary>The local file's SHA-256 (hex), declared to the service when the upload was created.</summary>
    public string Sha256 => _source.Sha256;

    /// <summary>Whether the file is sent as several partial uploads joined by tus concatenation.</summary>
    public bool Parallel => _parts.Count > 1 || _parts[0].Location != Location;

    /// <summary>
    /// Sends every byte the service does not have, all parts at once, and returns the upload's status after
    /// the last one (which may still be processing: <see cref="UploadsClient.WatchAsync"/> tells when it ends).
    /// </summary>
    /// <exception cref="UploadsException">The service holds other content than the file (<see cref="EnsureHoldsTheFileAsync"/>).</exception>
    public async Task<UploadStatus> SendAsync(CancellationToken cancellationToken = default)
    {
        if (AlreadyUploaded is { } held)
        {
            return held;
        }

        await Task.WhenAll(_parts.Select(part => _sender.SendAsync(part, cancellationToken)));
        var status = await _client.GetStatusAsync(Id, cancellationToken);
        await EnsureHoldsTheFileAsync(status, cancellationToken);
        await RecordEndAsync(status, cancellationToken);
        return status;
    }

    /// <summary>
    /// Throws when <paramref name="status"/> has every byte but its SHA-256 is not the local file's: the upload was
    /// begun with other content of the same length (an upload URL or a stale state-file entry of another file, or
    /// this file before it changed), so finishing it did not make it this file. The service fails such an upload
    /// itself when it was created with the file's declared SHA-256; this check also covers uploads created without
    /// one. The file's resume entry is dropped, so the next send starts a new upload.
    /// </summary>
    public async ValueTask EnsureHoldsTheFileAsync(UploadStatus status, CancellationToken cancellationToken = default)
    {
        if (status.Id != Id || status.Sha256 is not { } stored || string.Equals(stored, Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        await ForgetAsync(cancellationToken);
        throw new UploadsException(UploadsError.Failed,
            $"The upload {Id} holds content whose SHA-256 is {stored}, not {Sha256} as {_source.Path} had: it was begun with different content. " +
            "Send the file again as a new upload.");
    }

    /// <summary>
    /// Once <paramref name="status"/> is terminal, marks the file's entry in the <see cref="UploadOptions.ResumeStore"/>
    /// completed, so a later send of the file sends nothing while the service still holds it, or drops the entry when
    /// the upload ended otherwise, so a later send starts a new upload. The status after the last byte is often not
    /// terminal yet (parts being joined, processing): a watcher that sees the end calls this too. Call
    /// <see cref="EnsureHoldsTheFileAsync"/> first: only content that is the file's may be marked completed.
    /// </summary>
    public async ValueTask RecordEndAsync(UploadStatus status, CancellationToken cancellationToken = default)
    {
        if (status.Id != Id || !status.State.IsTerminal())
        {
            return;
        }

        if (status.State != UploadState.Completed)
        {
            await ForgetAsync(cancellationToken);
        }
        else if (_source.Fingerprint is { } fingerprint && _options.ResumeStore is { } store)
        {
            await store.SaveAsync(fingerprint, new ResumeEntry(Location, Sha256, DateTimeOffset.UtcNow), cancellationToken);
        }
    }

    public void Dispose() => _file.Dispose();

    private async ValueTask ForgetAsync(CancellationToken cancellationToken)
    {
        if (_source.Fingerprint is { } fingerprint && _options.ResumeStore is { } store)
        {
            await store.ForgetAsync(fingerprint, cancellationToken);
        }
    }
}
