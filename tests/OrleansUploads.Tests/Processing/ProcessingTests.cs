using System.Net;
using System.Net.Http.Json;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Processing;

/// <summary>
/// After the last byte: verifying, the built-in processors as named stages, and an outcome that reaches
/// the client on the last PATCH, on HEAD, in the status JSON and on the hub, and again for a repeated last PATCH.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class ProcessingTests(ServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task A_file_that_is_not_its_declared_type_fails_in_the_content_type_stage_everywhere_the_client_looks()
    {
        var data = RandomBytes(5000);
        data[0] = 0x25; // not a PNG's first byte
        var location = await _client.CreateAsync(data.Length, Metadata(("filename", "photo.png"), ("filetype", "image/png")));
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(location));

        using var last = await _client.PatchAsync(location, 0, data);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, last.StatusCode);
        Assert.Contains("not image/png", await last.Content.ReadAsStringAsync());
        using var head = await _client.SendAsync(Tus(HttpMethod.Head, location));
        Assert.Equal(HttpStatusCode.Gone, head.StatusCode);
        Assert.Equal("failed; stage=\"content-type\"", head.Headers.GetValues("Upload-State").Single());
        var status = await _client.StatusAsync(location);
        Assert.Equal(("failed", "content-type"), (status.State, status.Stage));
        Assert.Contains("not image/png", status.Error);
        var failed = await watcher.NextAsync("UploadFailed", IdOf(location), Patience);
        Assert.Equal("content-type", failed.Stage);
        var states = watcher.Events(IdOf(location)).Select(e => e.Status.Stage is null ? e.Status.State : $"{e.Status.State} {e.Status.Stage}").Distinct().ToList();
        Assert.Equal(["verifying", "processing content-type", "failed content-type"], states.SkipWhile(s => s != "verifying"));
    }

    [Fact]
    public async Task A_file_that_is_its_declared_type_and_matches_its_declared_sha256_completes_after_both_stages()
    {
        var data = RandomBytes(5000);
        PngSignature.CopyTo(data, 0);
        var location = await _client.CreateAsync(data.Length, Metadata(("filetype", "image/png"), ("sha256", Sha256(data))));
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(location));

        using var last = await _client.PatchAsync(location, 0, data);

        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        Assert.Equal("completed", last.Headers.GetValues("Upload-State").Single());
        await watcher.NextAsync("UploadCompleted", IdOf(location), Patience);
        var stages = watcher.Events(IdOf(location)).Where(e => e.Status.State == "processing").Select(e => e.Status.Stage).Distinct();
        Assert.Equal(["checksum", "content-type"], stages);
        Assert.Equal(data, await _client.GetByteArrayAsync(location + "/content"));
    }

    [Fact]
    public async Task A_declared_sha256_that_does_not_match_fails_the_upload_in_the_checksum_stage()
    {
        var data = RandomBytes(3000);
        var location = await _client.CreateAsync(data.Length, Metadata(("sha256", Sha256(RandomBytes(10)))));

        using var last = await _client.PatchAsync(location, 0, data);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, last.StatusCode);
        var status = await _client.StatusAsync(location);
        Assert.Equal(("failed", "checksum", Sha256(data)), (status.State, status.Stage, status.Sha256));
        Assert.Contains("declared", status.Error);
    }

    [Fact]
    public async Task A_file_that_no_processor_applies_to_completes_with_its_last_byte_and_skips_verifying()
    {
        var data = RandomBytes(5000);
        var location = await _client.CreateAsync(data.Length, Metadata(("filename", "notes.bin")));
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(location));

        using var last = await _client.PatchAsync(location, 0, data);

        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        Assert.Equal("completed", last.Headers.GetValues("Upload-State").Single());
        var completed = await watcher.NextAsync("UploadCompleted", IdOf(location), Patience);
        Assert.Equal(Sha256(data), completed.Sha256);
        var states = watcher.Events(IdOf(location)).Select(e => e.Status.State).Distinct().ToList();
        Assert.DoesNotContain("verifying", states);
        Assert.DoesNotContain("processing", states);
        Assert.Equal("completed", states[^1]);
        Assert.Equal(data, await _client.GetByteArrayAsync(location + "/content"));
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        response.Content.Headers.ContentLength is 0 ? null : (await response.Content.ReadFromJsonAsync<Problem>())?.Detail;

    private sealed record Problem(string? Detail);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_repeated_last_patch_gets_the_same_answer_and_nothing_is_stored_or_processed_again(bool passes)
    {
        var data = RandomBytes(4000);
        PngSignature.CopyTo(data, 0);
        data[1] ^= (byte)(passes ? 0 : 0xFF);
        var location = await _client.CreateAsync(data.Length, Metadata(("filetype", "image/png")));
        using var first = await _client.PatchAsync(location, 0, data[..1000]);
        using var last = await _client.PatchAsync(location, 1000, data[1000..]);
        var settled = await _client.StatusAsync(location);

        using var again = await _client.PatchAsync(location, 1000, data[1000..]);

        Assert.Equal(passes ? HttpStatusCode.NoContent : HttpStatusCode.UnprocessableEntity, last.StatusCode);
        Assert.Equal(last.StatusCode, again.StatusCode);
        Assert.Equal("4000", again.Headers.GetValues("Upload-Offset").Single());
        Assert.Equal(await DetailAsync(last), await DetailAsync(again));
        Assert.Equal(settled.Sequence, (await _client.StatusAsync(location)).Sequence);
        using var notTheLast = await _client.PatchAsync(location, 0, data[..1000]);
        Assert.Equal(passes ? HttpStatusCode.Forbidden : HttpStatusCode.Gone, notTheLast.StatusCode);
    }
}
