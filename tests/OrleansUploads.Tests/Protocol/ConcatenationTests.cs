using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Protocol;

/// <summary>tus <c>concatenation</c> and <c>concatenation-unfinished</c>: each requirement, in its own words, is one test.</summary>
/// <remarks>Runs once for each store: see the classes at the end.</remarks>
public abstract class ConcatenationTests(StoreServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task A_server_that_supports_concatenation_lists_concatenation_and_concatenation_unfinished_in_Tus_Extension()
    {
        using var response = await _client.SendAsync(Tus(HttpMethod.Options, "/api/uploads"));

        var extensions = response.Headers.GetValues("Tus-Extension").Single().Split(',');
        Assert.Contains("concatenation", extensions);
        Assert.Contains("concatenation-unfinished", extensions);
    }

    [Fact]
    public async Task A_final_upload_is_its_partial_uploads_joined_in_the_order_its_creation_names_them()
    {
        var (first, second, third) = (RandomBytes(3000), RandomBytes(5), RandomBytes(70_000));
        var parts = new[] { await UploadedPartAsync(first), await UploadedPartAsync(second), await UploadedPartAsync(third) };

        using var created = await CreateFinalAsync(parts[2], parts[0], parts[1]);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var final = created.Headers.Location!.ToString();
        byte[] whole = [.. third, .. first, .. second];
        var status = await _client.StatusAsync(final);
        Assert.Equal(("completed", (long)whole.Length, Sha256(whole)), (status.State, status.TotalBytes!.Value, status.Sha256));
        Assert.Equal(whole, await _client.GetByteArrayAsync(final + "/content"));
    }

    [Fact]
    public async Task HEAD_of_a_final_upload_carries_Upload_Concat_with_its_parts_and_once_joined_an_offset_equal_to_its_length()
    {
        var parts = new[] { await UploadedPartAsync(RandomBytes(10)), await UploadedPartAsync(RandomBytes(20)) };
        using var created = await CreateFinalAsync(parts);

        using var head = await _client.SendAsync(Tus(HttpMethod.Head, created.Headers.Location!.ToString()));

        Assert.Equal($"final;{parts[0]} {parts[1]}", head.Headers.GetValues("Upload-Concat").Single());
        Assert.Equal(("30", "30"), (head.Headers.GetValues("Upload-Length").Single(), head.Headers.GetValues("Upload-Offset").Single()));
    }

    [Fact]
    public async Task HEAD_of_a_partial_upload_carries_Upload_Concat_partial_and_its_offset()
    {
        var part = await CreatePartAsync(100);
        using (await _client.PatchAsync(part, 0, RandomBytes(40)))
        {
        }

        using var head = await _client.SendAsync(Tus(HttpMethod.Head, part));

        Assert.Equal(("partial", "40"), (head.Headers.GetValues("Upload-Concat").Single(), head.Headers.GetValues("Upload-Offset").Single()));
    }

    [Fact]
    public async Task HEAD_of_an_unfinished_final_upload_has_no_Upload_Offset_and_has_its_length_once_every_part_has_one()
    {
        var parts = new[] { await CreatePartAsync(100), await CreatePartAsync(50) };
        using var created = await CreateFinalAsync(parts);

        using var head = await _client.SendAsync(Tus(HttpMethod.Head, created.Headers.Location!.ToString()));

        Assert.False(head.Headers.Contains("Upload-Offset"));
        Assert.Equal("150", head.Headers.GetValues("Upload-Length").Single());
    }

    [Fact]
    public async Task A_PATCH_against_a_final_upload_is_refused_with_403_and_changes_neither_it_nor_its_parts()
    {
        var parts = new[] { await CreatePartAsync(10) };
        using var created = await CreateFinalAsync(parts);
        var final = created.Headers.Location!.ToString();

        using var patch = await _client.PatchAsync(final, 0, RandomBytes(10));

        Assert.Equal(HttpStatusCode.Forbidden, patch.StatusCode);
        Assert.Equal((0L, 0L), ((await _client.StatusAsync(final)).BytesReceived, (await _client.StatusAsync(parts[0])).BytesReceived));
    }

    [Theory]
    [InlineData("Upload-Length", "10")]
    [InlineData("Upload-Defer-Length", "1")]
    public async Task A_final_upload_declares_no_length_of_its_own(string header, string value)
    {
        var part = await UploadedPartAsync(RandomBytes(10));
        using var request = FinalRequest(part);
        request.Headers.Add(header, value);

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Only_the_callers_own_partial_uploads_can_be_parts_of_a_final_upload()
    {
        var ordinary = await _client.CreateAsync(10);

        using var response = await CreateFinalAsync(ordinary);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("partial", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_final_upload_created_before_its_parts_finish_follows_them_with_one_growing_offset_and_completes()
    {
        var (first, second) = (RandomBytes(200_000), RandomBytes(100_000));
        var parts = new[] { await CreatePartAsync(first.Length), await CreatePartAsync(second.Length) };
        using var created = await CreateFinalAsync(parts);
        var final = created.Headers.Location!.ToString();
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        await watcher.WatchAsync(IdOf(final));

        for (var offset = 0; offset < first.Length; offset += 50_000)
        {
            using (await _client.PatchAsync(parts[0], offset, first[offset..(offset + 50_000)]))
            {
            }

            using (await _client.PatchAsync(parts[1], offset / 2, second[(offset / 2)..((offset / 2) + 25_000)]))
            {
            }
        }

        var completed = await watcher.NextAsync("UploadCompleted", IdOf(final), Patience);
        byte[] whole = [.. first, .. second];
        Assert.Equal(Sha256(whole), completed.Sha256);
        var offsets = watcher.Events(IdOf(final)).Select(e => e.Status.BytesReceived).ToList();
        Assert.True(offsets.Count > 3, string.Join(", ", offsets));
        Assert.Equal(offsets.Order(), offsets);
        Assert.Equal(whole.Length, offsets[^1]);
        Assert.Equal(whole, await _client.GetByteArrayAsync(final + "/content"));
    }

    [Fact]
    public async Task Cancelling_a_final_upload_cancels_its_parts_and_deletes_a_finished_one()
    {
        var parts = new[] { await CreatePartAsync(100), await UploadedPartAsync(RandomBytes(10)) };
        using var created = await CreateFinalAsync(parts);

        using (await _client.SendAsync(Tus(HttpMethod.Delete, created.Headers.Location!.ToString())))
        {
        }

        var states = (await Task.WhenAll(parts.Select(_client.StatusAsync))).Select(part => part.State);
        Assert.Equal(["cancelled", "deleted"], states);
    }

    [Fact]
    public async Task A_part_that_is_cancelled_fails_its_final_upload_with_the_reason()
    {
        var parts = new[] { await CreatePartAsync(100), await CreatePartAsync(100) };
        using var created = await CreateFinalAsync(parts);
        var final = created.Headers.Location!.ToString();

        using (await _client.SendAsync(Tus(HttpMethod.Delete, parts[1])))
        {
        }

        var status = await Eventually.UntilAsync(() => _client.StatusAsync(final), s => s.State == "failed", Patience, "the final upload to fail");
        Assert.Contains("Part 2 of 2", status.Error);
        Assert.Contains("cancelled", status.Error);
    }

    [Fact]
    public async Task Tus_js_client_with_four_parallel_uploads_sends_a_file_that_arrives_byte_identical()
    {
        var data = RandomBytes(3 << 20);
        var file = Path.Combine(Path.GetTempPath(), $"tus-parallel-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, data);
        try
        {
            using var node = NodeScript.Start("tus-parallel.mjs", new Uri(fixture.Service.BaseAddress, "/api/uploads").ToString(), file, "4");
            var outcome = await node.FinishAsync(TimeSpan.FromSeconds(60));

            var final = new Uri(outcome.GetProperty("url").GetString()!).AbsolutePath;
            var status = await _client.StatusAsync(final);
            Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
            Assert.Equal(4, status.Parts!.Length);
            Assert.Equal(data, await _client.GetByteArrayAsync(final + "/content"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<string> CreatePartAsync(long length)
    {
        using var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", length.ToString());
        request.Headers.Add("Upload-Concat", "partial");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private async Task<string> UploadedPartAsync(byte[] data)
    {
        var part = await CreatePartAsync(data.Length);
        using var response = await _client.PatchAsync(part, 0, data);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return part;
    }

    private HttpRequestMessage FinalRequest(params string[] parts)
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Concat", "final;" + string.Join(' ', parts));
        return request;
    }

    private Task<HttpResponseMessage> CreateFinalAsync(params string[] parts) => _client.SendAsync(FinalRequest(parts));
}

[Collection(ServiceCollection.Name)]
public sealed class ConcatenationTestsOnFiles(ServiceFixture fixture) : ConcatenationTests(fixture);

[Collection(AzureServiceCollection.Name)]
public sealed class ConcatenationTestsOnAzure(AzureServiceFixture fixture) : ConcatenationTests(fixture);

[Collection(S3ServiceCollection.Name)]
public sealed class ConcatenationTestsOnS3(S3ServiceFixture fixture) : ConcatenationTests(fixture);
