using System.Net;
using OrleansUploads.Client;
using OrleansUploads.Tests.Access;

namespace OrleansUploads.Tests.Client;

/// <summary>With authentication on, a chunk refused for the caller's rights fails the send at once: no retry changes a refusal.</summary>
public sealed class RefusedChunkTests(AccessFixture access) : IClassFixture<AccessFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateDirectory(DataFolder.New("orleans-uploads-client-tests")).FullName;

    [Fact]
    public async Task A_chunk_answered_403_fails_at_once_without_a_retry()
    {
        var token = AccessFixture.Token("client-" + Guid.NewGuid().ToString("N"));
        // A gateway in front of the service that stops this token's writes midway (a revoked grant, a quota), as a scope-checking proxy would.
        var gateway = new RecordingHandler
        {
            Fault = (request, patchesBefore) => patchesBefore >= 2 ? new HttpResponseMessage(HttpStatusCode.Forbidden) : null,
        };
        using var client = ClientServiceFixture.ClientOf(access.Service, chunkSize: 16 << 10, handler: gateway, token: _ => ValueTask.FromResult<string?>(token));
        var path = await NewFileAsync(100_000);
        using var upload = await client.StartFileUploadAsync(path);

        var refused = await Assert.ThrowsAsync<UploadsException>(() => upload.SendAsync().WaitAsync(Patience));

        Assert.Equal((UploadsError.Unauthorized, HttpStatusCode.Forbidden), (refused.Error, refused.StatusCode));
        Assert.Equal(3, gateway.Requests.Count(r => r.Method == HttpMethod.Patch));
    }

    [Fact]
    public async Task A_chunk_answered_401_by_the_service_fails_at_once_without_a_retry()
    {
        var token = AccessFixture.Token("client-" + Guid.NewGuid().ToString("N"));
        var expired = AccessFixture.Token("client-" + Guid.NewGuid().ToString("N"), key: "another signing key, long enough for HMAC-SHA256 too");
        var recorder = new RecordingHandler();
        // The token runs out after two chunks: the service itself answers 401.
        using var client = ClientServiceFixture.ClientOf(access.Service, chunkSize: 16 << 10, handler: recorder,
            token: _ => ValueTask.FromResult<string?>(recorder.Requests.Count(r => r.Method == HttpMethod.Patch) >= 2 ? expired : token));
        var path = await NewFileAsync(100_000);
        using var upload = await client.StartFileUploadAsync(path);

        var refused = await Assert.ThrowsAsync<UploadsException>(() => upload.SendAsync().WaitAsync(Patience));

        Assert.Equal((UploadsError.Unauthorized, HttpStatusCode.Unauthorized), (refused.Error, refused.StatusCode));
        Assert.Equal(3, recorder.Requests.Count(r => r.Method == HttpMethod.Patch));
    }

    [Fact]
    public async Task The_last_chunk_whose_answer_and_the_HEAD_after_it_were_lost_is_retried_to_completion()
    {
        var token = AccessFixture.Token("client-" + Guid.NewGuid().ToString("N"));
        using var lost = new LostLastAnswer(100_000);
        using var client = ClientServiceFixture.ClientOf(access.Service, chunkSize: 50_000, handler: lost, token: _ => ValueTask.FromResult<string?>(token));
        var path = await NewFileAsync(100_000);
        using var upload = await client.StartFileUploadAsync(path);

        var status = await upload.SendAsync().WaitAsync(Patience);

        Assert.True(lost.Lost, "the last chunk's answer was lost");
        Assert.Equal((UploadState.Completed, 100_000L), (status.State, status.BytesReceived));
    }

    /// <summary>
    /// Delivers the chunk that ends the upload, then loses the service's answer and the HEAD after it, as a
    /// dropped connection would: the client retries the chunk on a complete upload (answered 204 or 403, complete already).
    /// </summary>
    private sealed class LostLastAnswer(long length) : DelegatingHandler(new SocketsHttpHandler())
    {
        private bool _headLost;

        public bool Lost { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Lost && request.Method == HttpMethod.Head && !_headLost)
            {
                _headLost = true;
                throw new HttpRequestException("connection refused");
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (!Lost && request.Method == HttpMethod.Patch && response.Headers.TryGetValues("Upload-Offset", out var offset) && offset.Single() == length.ToString())
            {
                Lost = true;
                response.Dispose();
                throw new HttpRequestException("connection reset");
            }

            return response;
        }
    }

    private async Task<string> NewFileAsync(int length)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".bin");
        await File.WriteAllBytesAsync(path, new byte[length]);
        return path;
    }

    public void Dispose() => DataFolder.Delete(_folder);
}
