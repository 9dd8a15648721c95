using OrleansUploads.Api.Tus;

namespace OrleansUploads.Api.Apis;

/// <summary>
/// The IETF draft's progress while a body arrives: a <c>104 Upload Resumption Supported</c> with the
/// <c>Upload-Offset</c> the grain has stored, each time it stores more, so the client learns what it
/// will never have to send again. Offsets arrive from the grain on any thread; the interim responses
/// go out one at a time, and none after <see cref="CloseAsync"/>, which comes before the final response.
/// </summary>
public sealed class InterimProgress
{
    private readonly HttpContext _context;
    private readonly InterimResponses _interim;
    private readonly string _version;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private long _sent;
    private bool _closed;

    private InterimProgress(HttpContext context, InterimResponses interim, long start)
    {
        (_context, _interim, _sent) = (context, interim, start);
        _version = context.Request.Headers[ResumableDraft.InteropVersion].ToString();
    }

    /// <summary>Progress for a draft request whose body is stored from <paramref name="start"/>; null where interim responses cannot be sent.</summary>
    public static InterimProgress? For(HttpContext context, InterimResponses interim, long start) =>
        interim.Enabled && ResumableDraft.Speaks(context.Request) ? new InterimProgress(context, interim, start) : null;

    /// <summary>The grain stored <paramref name="offset"/>; sent unless a later one went already.</summary>
    public void Report(long offset) => _ = SendAsync(offset);

    /// <summary>Waits for an interim response being written and lets no more go: the final response follows.</summary>
    public async Task CloseAsync()
    {
        await _sending.WaitAsync();
        _closed = true;
        _sending.Release();
    }

    private async Task SendAsync(long offset)
    {
        await _sending.WaitAsync();
        try
        {
            if (_closed || offset <= _sent)
            {
                return;
            }

            _sent = offset;
            await _interim.TrySendAsync(_context, InterimResponses.UploadResumptionSupported,
                [(ResumableDraft.InteropVersion, _version), (TusHeaders.UploadOffset, offset.ToString())]);
        }
        catch (OperationCanceledException)
        {
            // The client went away: the request ends on its own, with its final answer or without one.
        }
        finally
        {
            _sending.Release();
        }
    }
}
