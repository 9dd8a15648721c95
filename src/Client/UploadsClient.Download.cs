using System.Net;
using System.Net.Http.Headers;

namespace OrleansUploads.Client;

public sealed partial class UploadsClient
{
    /// <summary>
    /// Downloads a completed upload to <paramref name="path"/>. A partial file there from an interrupted
    /// download is continued with <c>Range: bytes=N-</c>, guarded by <c>If-Range</c> with the content's
    /// ETag (its SHA-256), so a different file is never appended to: the service then sends it whole.
    /// </summary>
    public async Task<DownloadResult> DownloadAsync(string id, string path, IProgress<long>? written = null, CancellationToken cancellationToken = default)
    {
        var status = await GetStatusAsync(id, cancellationToken);
        var have = File.Exists(path) ? new FileInfo(path).Length : 0;
        if (status.TotalBytes is { } total && have > total)
        {
            have = 0;
        }

        if (status.State == UploadState.Completed && have == status.TotalBytes)
        {
            return new DownloadResult(path, have, have, status.Sha256);
        }

        var request = new HttpRequestMessage(HttpMethod.Get, $"{UploadPath(id)}/content");
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
            if (status.Sha256 is { } sha256)
            {
                request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue($"\"{sha256}\""));
            }
        }

        using var response = await SendAsync(request, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        await TusEndpoint.EnsureSuccessAsync(response, cancellationToken);
        var resumedFrom = response.StatusCode == HttpStatusCode.PartialContent ? have : 0;
        await using (var target = new FileStream(path, resumedFrom > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                written?.Report(target.Position);
            }
        }

        return new DownloadResult(path, new FileInfo(path).Length, resumedFrom, status.Sha256);
    }
}
