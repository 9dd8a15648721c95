using System.Net;
using OrleansUploads.Client;

namespace OrleansUploads.Tests.Client;

/// <summary>The client library against the real service: send, resume, retry, check and fetch back.</summary>
[Collection(ClientCollection.Name)]
public sealed class UploadsClientTests(ClientServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_uploaded_file_comes_back_byte_identical_with_the_servers_sha256()
    {
        var (path, bytes) = fixture.NewFile((1 << 20) + 12345);
        using var client = fixture.NewClient();

        var status = await client.UploadFileAsync(path).WaitAsync(Patience);
        var copy = fixture.NewPath(".copy");
        var saved = await client.DownloadAsync(status.Id, copy);

        Assert.Equal((UploadState.Completed, (long)bytes.Length, ClientServiceFixture.Sha256(bytes)), (status.State, status.BytesReceived, status.Sha256));
        Assert.Equal(Path.GetFileName(path), status.FileName);
        Assert.Equal((0L, status.Sha256), (saved.ResumedFrom, saved.Sha256));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(copy));
    }

    [Fact]
    public async Task Every_chunk_carries_an_upload_checksum_in_an_algorithm_the_server_lists()
    {
        var (path, _) = fixture.NewFile(300_000);
        var recorder = new RecordingHandler();
        using var client = fixture.NewClient(chunkSize: 100_000, handler: recorder);

        var discovery = await client.DiscoverAsync();
        var status = await client.UploadFileAsync(path).WaitAsync(Patience);

        var patches = recorder.Requests.Where(r => r.Method == HttpMethod.Patch).ToArray();
        Assert.Equal(UploadState.Completed, status.State);
        Assert.Equal(3, patches.Length);
        Assert.All(patches, patch => Assert.StartsWith(discovery.ChecksumAlgorithm + " ", patch.Headers.GetValues("Upload-Checksum").Single()));
        Assert.Contains(discovery.ChecksumAlgorithm!, discovery.ChecksumAlgorithms);
    }

    [Fact]
    public async Task Network_errors_5xx_and_a_stale_offset_are_retried_from_the_offset_HEAD_reports()
    {
        var (path, bytes) = fixture.NewFile(400_000);
        var recorder = new RecordingHandler
        {
            Fault = (request, patchesBefore) => patchesBefore switch
            {
                1 => throw new HttpRequestException("connection reset"),
                2 => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable),
                _ => null,
            },
        };
        using var client = fixture.NewClient(chunkSize: 100_000, handler: recorder);
        using var upload = await client.StartFileUploadAsync(path);
        // Behind the client's back, as a lost answer would leave it: the service has more than the client thinks.
        using (var other = fixture.Service.CreateClient())
        {
            using var patch = new HttpRequestMessage(HttpMethod.Patch, upload.Location) { Content = new ByteArrayContent(bytes[..50_000]) };
            patch.Headers.Add("Tus-Resumable", "1.0.0");
            patch.Headers.Add("Upload-Offset", "0");
            patch.Content.Headers.ContentType = new("application/offset+octet-stream");
            Assert.Equal(HttpStatusCode.NoContent, (await other.SendAsync(patch)).StatusCode);
        }

        var status = await upload.SendAsync().WaitAsync(Patience);

        Assert.Equal((UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (status.State, status.Sha256));
        Assert.True(recorder.Requests.Count(r => r.Method == HttpMethod.Head) >= 3, "each failure is followed by a HEAD");
    }

    [Fact]
    public async Task A_sender_that_keeps_losing_races_to_another_sender_of_the_file_goes_on_while_the_upload_grows()
    {
        var (path, bytes) = fixture.NewFile(1_000_000);
        using var rival = new RivalSender();
        using var client = fixture.NewClient(chunkSize: 100_000, handler: rival);

        // Ten chunks, each stored by the rival first: more failed PATCHes in a row than MaxAttempts, none without progress.
        var status = await client.UploadFileAsync(path).WaitAsync(Patience);

        Assert.Equal((UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (status.State, status.Sha256));
        Assert.True(rival.Won >= 10, $"the rival stored {rival.Won} chunks");
    }

    /// <summary>Another sender of the same file that gets each chunk in first: it stores it, and the client is answered 409.</summary>
    private sealed class RivalSender() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly HttpClient _rival = new();

        public int Won { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method != HttpMethod.Patch)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            using var first = new HttpRequestMessage(HttpMethod.Patch, request.RequestUri) { Content = new ByteArrayContent(await request.Content!.ReadAsByteArrayAsync(cancellationToken)) };
            first.Headers.Add("Tus-Resumable", "1.0.0");
            first.Headers.Add("Upload-Offset", request.Headers.GetValues("Upload-Offset"));
            first.Content.Headers.ContentType = new("application/offset+octet-stream");
            using var stored = await _rival.SendAsync(first, cancellationToken);
            Won += stored.IsSuccessStatusCode ? 1 : 0;
            return new HttpResponseMessage(HttpStatusCode.Conflict) { RequestMessage = request };
        }

        protected override void Dispose(bool disposing)
        {
            _rival.Dispose();
            base.Dispose(disposing);
        }
    }

    [Fact]
    public async Task A_rate_limit_below_the_chunk_size_sends_chunks_of_at_most_one_seconds_worth()
    {
        var (path, bytes) = fixture.NewFile(300_000);
        var recorder = new RecordingHandler();
        using var client = fixture.NewClient(chunkSize: 4 << 20, handler: recorder);

        var status = await client.UploadFileAsync(path, new UploadOptions { MaxBytesPerSecond = 200_000 }).WaitAsync(Patience);

        Assert.Equal((UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (status.State, status.Sha256));
        Assert.Equal(2, recorder.Requests.Count(r => r.Method == HttpMethod.Patch));
    }

    [Fact]
    public async Task An_interrupted_upload_resumes_from_the_servers_offset_under_the_same_id()
    {
        var (path, bytes) = fixture.NewFile(1 << 20);
        var store = new FileResumeStore(fixture.NewPath());
        using var client = fixture.NewClient(chunkSize: 64 << 10);
        using var interrupted = new CancellationTokenSource();
        using var deadline = new CancellationTokenSource(Patience);
        string firstId;
        using (var first = await client.StartFileUploadAsync(path, new UploadOptions { ResumeStore = store, MaxBytesPerSecond = 512 << 10 }))
        {
            firstId = first.Id;
            var sending = first.SendAsync(interrupted.Token);
            await foreach (var status in client.WatchAsync(first.Id).WithCancellation(deadline.Token))
            {
                if (status.BytesReceived > 0)
                {
                    break;
                }
            }

            await interrupted.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        }

        using var second = await client.StartFileUploadAsync(path, new UploadOptions { ResumeStore = store });
        var resumedAt = second.ResumedAt;
        var done = await second.SendAsync().WaitAsync(Patience);

        Assert.True(second.Resumed);
        Assert.Equal(firstId, second.Id);
        Assert.InRange(resumedAt, 1, bytes.Length - 1);
        Assert.Equal((UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (done.State, done.Sha256));
        // Kept, marked completed, so that the next send of the file sends nothing.
        Assert.NotNull((await store.FindAsync(FileFingerprint.Of(path, client.Server)))?.Completed);
    }

    [Fact]
    public async Task An_upload_resumes_from_a_stored_upload_url()
    {
        var (path, bytes) = fixture.NewFile(200_000);
        using var client = fixture.NewClient();
        Uri location;
        using (var begun = await client.StartFileUploadAsync(path))
        {
            location = begun.Location;
        }

        var status = await client.UploadFileAsync(path, new UploadOptions { ResumeFrom = location }).WaitAsync(Patience);

        Assert.Equal(UploadsClient.IdOf(location), status.Id);
        Assert.Equal((UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (status.State, status.Sha256));
    }

    [Fact]
    public async Task Parallel_parts_are_joined_into_one_final_upload_through_concatenation()
    {
        var (path, bytes) = fixture.NewFile(700_001);
        using var client = fixture.NewClient(chunkSize: 64 << 10);

        using var upload = await client.StartFileUploadAsync(path, new UploadOptions { Parts = 3 });
        await upload.SendAsync().WaitAsync(Patience);
        var end = await client.WatchAsync(upload.Id).LastAsync().AsTask().WaitAsync(Patience);
        var copy = fixture.NewPath(".copy");
        await client.DownloadAsync(upload.Id, copy);

        Assert.True(upload.Parallel);
        Assert.Equal(("final", 3), (end.Concat, end.Parts!.Length));
        Assert.Equal((UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (end.State, end.Sha256));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(copy));
    }
}
