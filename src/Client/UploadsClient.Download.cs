using System.Net;
using System.Net.Http.Headers;

namespace OrleansUploads.Client;

public sealed partial class UploadsClient
{
    /// <summary>
    /// Downloads a completed upload to <paramref name="path"/> through <see cref="DownloadTarget"/>. The
    /// partial file of an interrupted download is continued with <c>Range: bytes=N-</c>, guarded by
    /// <c>If-Range</c> with the content's ETag (its SHA-256), so a different content is never appended to:
    /// the service then sends it whole.
    /// </summary>
    public async Task<DownloadResult> DownloadAsync(string id, string path, IProgress<long>? written = null, CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(id, cancellationToken);
        var partial = DownloadTarget.PartialOf(path);
        var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (status.TotalBytes is { } total && have > total)
        {
            have = 0;
        }

        // A run killed between the last byte and the rename left every byte: a range past the end would be refused.
        var resumedFrom = status.State == UploadState.Completed && have > 0 && have == status.TotalBytes
            ? have
            : await FetchAsync(id, status.Sha256, partial, have, written, cancellationToken);
        await DownloadTarget.CheckAsync(partial, status.Sha256, cancellationToken);
        File.Move(partial, path, overwrite: true);
        return new DownloadResult(path, new FileInfo(path).Length, resumedFrom, status.Sha256);
    }

    /// <returns>Where the content continued the partial file from: <paramref name="have"/>, or 0 when it came whole.</returns>
    private async Task<long> FetchAsync(string id, string? sha256, string partial, long have, IProgress<long>? written, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Address.Content(id));
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
            if (sha256 is not null)
            {
                request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue($"\"{sha256}\""));
            }
        }

        using var response = await SendAsync(request, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        await TusEndpoint.EnsureSuccessAsync(response, cancellationToken);
        var resumedFrom = response.StatusCode == HttpStatusCode.PartialContent ? have : 0;
        if (resumedFrom > 0 && response.Content.Headers.ContentRange?.From != have)
        {
            throw new UploadsException(UploadsError.Failed, $"The service sent a range other than the one asked for (bytes {have}-).", response.StatusCode);
        }

        await using var target = new FileStream(partial, resumedFrom > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            written?.Report(target.Position);
        }

        return resumedFrom;
    }
}
