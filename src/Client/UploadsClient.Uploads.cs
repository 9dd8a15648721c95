namespace OrleansUploads.Client;

public sealed partial class UploadsClient
{
    /// <summary>Uploads a file from start to end (resuming when the options say how) and returns its status after the last byte.</summary>
    public async Task<UploadStatus> UploadFileAsync(string path, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var upload = await StartFileUploadAsync(path, options, cancellationToken);
        return await upload.SendAsync(cancellationToken);
    }

    /// <summary>
    /// Finds the file's earlier upload (<see cref="UploadOptions.ResumeFrom"/>, or its fingerprint in the
    /// <see cref="UploadOptions.ResumeStore"/>) and asks the service how far it got, or creates a new one.
    /// Nothing is sent until <see cref="TusUpload.SendAsync"/>, and nothing at all when the service holds the
    /// file's earlier upload completed with its content (<see cref="TusUpload.AlreadyUploaded"/>).
    /// </summary>
    public async Task<TusUpload> StartFileUploadAsync(string path, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new UploadOptions();
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        try
        {
            var length = RandomAccess.GetLength(file);
            var discovery = await _tus.DiscoverAsync(cancellationToken);
            var fingerprint = options.ResumeStore is null ? null : FileFingerprint.Of(path, Server);
            var earlier = options.ResumeFrom is { } url ? new ResumeEntry(url, null)
                : fingerprint is null ? null : await options.ResumeStore!.FindAsync(fingerprint, cancellationToken);
            var sender = new PartSender(_tus, Options, options, options.Checksum ? discovery.ChecksumAlgorithm : null, file);
            string? hashed = null;
            if (earlier is { Completed: not null })
            {
                // The fingerprint (path, size, write time) says the file is likely unchanged; only its bytes can say the
                // service holds it, and a file that is not sent is checked by nobody after this.
                hashed = await FileSha256.OfAsync(file, cancellationToken);
                var completed = Address.Resolve(earlier.Upload);
                if (!options.SendAgain && await FindCompletedAsync(completed, hashed, cancellationToken) is { } held)
                {
                    await options.ResumeStore!.SaveAsync(fingerprint!, new ResumeEntry(earlier.Upload, hashed, DateTimeOffset.UtcNow), cancellationToken);
                    return new TusUpload(this, file, completed, [new TusPart(completed, 0, length, length)], sender, new(path, hashed, fingerprint), options,
                        resumed: false, alreadyUploaded: held);
                }

                // Gone, changed, or asked for anew: a new upload, whose entry replaces this one.
                earlier = null;
            }

            if (earlier is not null && await FindPartsAsync(Address.Resolve(earlier.Upload), length, cancellationToken) is { } found)
            {
                // An upload URL from elsewhere says nothing of its content: only the file itself tells what it must hold.
                var sha256 = earlier.Sha256 ?? await FileSha256.OfAsync(file, cancellationToken);
                return new TusUpload(this, file, Address.Resolve(earlier.Upload), found, sender, new(path, sha256, fingerprint), options, resumed: true);
            }

            var declared = hashed ?? await FileSha256.OfAsync(file, cancellationToken);
            var parts = discovery.SupportsParallelParts ? (int)Math.Clamp(options.Parts, 1, Math.Max(length, 1)) : 1;
            var (location, created) = await CreateAsync(length, options.FileName ?? Path.GetFileName(path), options.ContentType, declared, parts, cancellationToken);
            if (fingerprint is not null)
            {
                await options.ResumeStore!.SaveAsync(fingerprint, new ResumeEntry(location, declared), cancellationToken);
            }

            return new TusUpload(this, file, location, created, sender, new(path, declared, fingerprint), options, resumed: false);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>One upload, or the parts and then the final upload that joins them (created at once, so the file has its id from the start).</summary>
    private async Task<(Uri Location, TusPart[] Parts)> CreateAsync(long length, string fileName, string? contentType, string sha256, int count, CancellationToken cancellationToken)
    {
        if (count == 1)
        {
            var single = await _tus.CreateAsync(length, fileName, contentType, sha256, partial: false, finalParts: null, cancellationToken);
            return (single, [new TusPart(single, 0, length, 0)]);
        }

        var size = length / count;
        var parts = new TusPart[count];
        for (var i = 0; i < count; i++)
        {
            var start = i * size;
            var partLength = i == count - 1 ? length - start : size;
            parts[i] = new TusPart(await _tus.CreateAsync(partLength, null, null, null, partial: true, finalParts: null, cancellationToken), start, partLength, 0);
        }

        var final = await _tus.CreateAsync(null, fileName, contentType, sha256, partial: false, [.. parts.Select(p => p.Location)], cancellationToken);
        return (final, parts);
    }

    /// <returns>The upload's status when the service holds it completed with this SHA-256, or null (not found, ended otherwise, other content).</returns>
    private async Task<UploadStatus?> FindCompletedAsync(Uri upload, string sha256, CancellationToken cancellationToken)
    {
        try
        {
            var status = await GetStatusAsync(IdOf(upload), cancellationToken);
            return status.State == UploadState.Completed && string.Equals(status.Sha256, sha256, StringComparison.OrdinalIgnoreCase) ? status : null;
        }
        catch (UploadsException e) when (e.Error == UploadsError.NotFound)
        {
            return null;
        }
    }

    /// <returns>The upload's parts with the offsets the service has, or null when it cannot be continued (gone, or of another length).</returns>
    private async Task<TusPart[]?> FindPartsAsync(Uri upload, long length, CancellationToken cancellationToken)
    {
        var head = await _tus.HeadAsync(upload, cancellationToken);
        if (head is null)
        {
            return null;
        }

        if (!head.FinalParts.Any())
        {
            return head.Length == length ? [new TusPart(upload, 0, length, head.Offset ?? 0)] : null;
        }

        if (head.Offset is not null)
        {
            // Joined already: every byte is there.
            return head.Length == length ? [new TusPart(upload, 0, length, length)] : null;
        }

        var parts = new List<TusPart>();
        var start = 0L;
        foreach (var url in head.FinalParts)
        {
            var partUrl = Address.Resolve(url);
            if (await _tus.HeadAsync(partUrl, cancellationToken) is not { Length: { } partLength } part)
            {
                return null;
            }

            parts.Add(new TusPart(partUrl, start, partLength, part.Offset ?? 0));
            start += partLength;
        }

        return start == length ? [.. parts] : null;
    }
}
