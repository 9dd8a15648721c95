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
    private readonly string? _fingerprint;
    private readonly UploadOptions _options;

    internal TusUpload(UploadsClient client, SafeFileHandle file, Uri location, IReadOnlyList<TusPart> parts, PartSender sender, string? fingerprint, UploadOptions options, bool resumed)
    {
        (_client, _file, _parts, _sender, _fingerprint, _options) = (client, file, parts, sender, fingerprint, options);
        Location = location;
        Resumed = resumed;
        ResumedAt = parts.Sum(p => p.Offset);
    }

    /// <summary>The upload URL: keep it to resume in another run (<see cref="UploadOptions.ResumeFrom"/>).</summary>
    public Uri Location { get; }

    public string Id => UploadsClient.IdOf(Location);

    public long Length => _parts.Sum(p => p.Length);

    /// <summary>Whether this continues an upload begun earlier, rather than a new one.</summary>
    public bool Resumed { get; }

    /// <summary>How many bytes the service already had when this run began.</summary>
    public long ResumedAt { get; }

    /// <summary>Whether the file is sent as several partial uploads joined by tus concatenation.</summary>
    public bool Parallel => _parts.Count > 1 || _parts[0].Location != Location;

    /// <summary>
    /// Sends every byte the service does not have, all parts at once, and returns the upload's status after
    /// the last one (which may still be processing: <see cref="UploadsClient.WatchAsync"/> tells when it ends).
    /// </summary>
    public async Task<UploadStatus> SendAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(_parts.Select(part => _sender.SendAsync(part, cancellationToken)));
        var status = await _client.GetStatusAsync(Id, cancellationToken);
        await ForgetIfEndedAsync(status, cancellationToken);
        return status;
    }

    /// <summary>
    /// Drops the file's entry from the <see cref="UploadOptions.ResumeStore"/> once <paramref name="status"/>
    /// is terminal, so a later send of the file starts a new upload. The status after the last byte is often
    /// not terminal yet (parts being joined, processing): a watcher that sees the end calls this too.
    /// </summary>
    public async ValueTask ForgetIfEndedAsync(UploadStatus status, CancellationToken cancellationToken = default)
    {
        if (_fingerprint is not null && _options.ResumeStore is { } store && status.Id == Id && status.State.IsTerminal())
        {
            await store.ForgetAsync(_fingerprint, cancellationToken);
        }
    }

    public void Dispose() => _file.Dispose();
}
