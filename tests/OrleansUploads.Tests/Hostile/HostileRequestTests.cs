using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Hostile;

/// <summary>
/// Malformed and hostile requests, each with the status the protocol gives it; after every one a
/// victim upload's stored bytes and status are exactly as before and the service still serves.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class HostileRequestTests(ServiceFixture fixture)
{
    private static readonly SemaphoreSlim Setup = new(1, 1);
    private static Targets? _targets;

    /// <summary>The uploads the cases aim at: a half-sent victim, a completed one and a cancelled one.</summary>
    public sealed record Targets(string Victim, byte[] VictimBytes, string Completed, string Cancelled);

    private const string Unknown = "/api/uploads/0123456789abcdef0123456789abcdef";

    private static readonly Dictionary<string, (Func<Targets, HttpRequestMessage> Request, int Status)> Cases = new()
    {
        ["create without Tus-Resumable"] = (_ => Create(null, "10"), 412),
        ["create with an unsupported version"] = (_ => Create("0.2.2", "10"), 412),
        ["create without Upload-Length"] = (_ => Create("1.0.0", null), 400),
        ["create with a negative length"] = (_ => Create("1.0.0", "-1"), 400),
        ["create with a non-numeric length"] = (_ => Create("1.0.0", "ten"), 400),
        ["create with an exponent length"] = (_ => Create("1.0.0", "1e3"), 400),
        ["create with a signed length"] = (_ => Create("1.0.0", "+10"), 400),
        ["create with an overflowing length"] = (_ => Create("1.0.0", "99999999999999999999"), 400),
        ["create larger than the maximum"] = (_ => Create("1.0.0", "1073741825"), 413),
        ["create with bad base64 metadata"] = (_ => Create("1.0.0", "10", "filename ***"), 400),
        ["create with duplicate metadata keys"] = (_ => Create("1.0.0", "10", "name YQ==,name Yg=="), 400),
        ["create with a three-part metadata pair"] = (_ => Create("1.0.0", "10", "a b c"), 400),
        ["create with an empty metadata pair"] = (_ => Create("1.0.0", "10", "filename YQ==,"), 400),
        ["create with oversized metadata"] = (_ => Create("1.0.0", "10", "filename " + Convert.ToBase64String(new byte[4000])), 400),
        ["create with a body of the wrong type"] = (_ => WithBody(Create("1.0.0", "10"), new byte[5], "text/plain"), 415),
        ["create with a body longer than the length"] = (_ => WithBody(Create("1.0.0", "10"), new byte[11]), 413),
        ["create with an unknown checksum algorithm"] = (_ => Header(WithBody(Create("1.0.0", "10"), new byte[5]), "Upload-Checksum", "crc32 AAAAAA=="), 400),
        ["head without Tus-Resumable"] = (t => Plain(HttpMethod.Head, t.Victim), 412),
        ["head of an unknown id"] = (_ => Tus(HttpMethod.Head, Unknown), 404),
        ["head of a traversal id"] = (_ => Tus(HttpMethod.Head, "/api/uploads/..%2F..%2Fetc%2Fpasswd"), 404),
        ["head of an uppercase id"] = (t => Tus(HttpMethod.Head, t.Victim.ToUpperInvariant().Replace("/API/UPLOADS/", "/api/uploads/")), 404),
        ["patch without Tus-Resumable"] = (t => Header(Plain(HttpMethod.Patch, t.Victim), "Upload-Offset", "1000", new byte[10]), 412),
        ["patch with the wrong content type"] = (t => WithBody(Header(Tus(HttpMethod.Patch, t.Victim), "Upload-Offset", "1000"), new byte[10], "application/octet-stream"), 415),
        ["patch without a content type"] = (t => WithBody(Header(Tus(HttpMethod.Patch, t.Victim), "Upload-Offset", "1000"), new byte[10], null), 415),
        ["patch without Upload-Offset"] = (t => WithBody(Tus(HttpMethod.Patch, t.Victim), new byte[10]), 400),
        ["patch with a negative offset"] = (t => Patch(t.Victim, "-1", new byte[10]), 400),
        ["patch with a non-numeric offset"] = (t => Patch(t.Victim, "1k", new byte[10]), 400),
        ["patch with an overflowing offset"] = (t => Patch(t.Victim, "99999999999999999999", new byte[10]), 400),
        ["patch behind the offset"] = (t => Patch(t.Victim, "0", new byte[10]), 409),
        ["patch past the offset"] = (t => Patch(t.Victim, "1500", new byte[10]), 409),
        ["patch past the end"] = (t => Patch(t.Victim, "5000", new byte[10]), 409),
        ["patch longer than declared"] = (t => Patch(t.Victim, "1000", new byte[1001]), 413),
        ["patch with an unknown checksum algorithm"] = (t => Header(Patch(t.Victim, "1000", new byte[10]), "Upload-Checksum", "whirlpool AAAA"), 400),
        ["patch with a checksum without digest"] = (t => Header(Patch(t.Victim, "1000", new byte[10]), "Upload-Checksum", "sha1"), 400),
        ["patch with a wrong checksum"] = (t => Header(Patch(t.Victim, "1000", new byte[10]), "Upload-Checksum", "sha1 " + Convert.ToBase64String(new byte[20])), 460),
        ["patch of an unknown id"] = (_ => Patch(Unknown, "0", new byte[10]), 404),
        ["patch of a traversal id"] = (_ => Patch("/api/uploads/..%2F..%2Fdata%2Fgrains", "0", new byte[10]), 404),
        ["patch after completion"] = (t => Patch(t.Completed, "100", new byte[10]), 403),
        ["patch after cancel"] = (t => Patch(t.Cancelled, "0", new byte[10]), 410),
        ["method override to GET"] = (t => Header(Tus(HttpMethod.Post, t.Victim), "X-HTTP-Method-Override", "GET"), 400),
        ["method override to PUT"] = (t => Header(Tus(HttpMethod.Post, t.Victim), "X-HTTP-Method-Override", "PUT"), 400),
        ["method override to PATCH without Tus-Resumable"] = (t => Header(Header(Plain(HttpMethod.Post, t.Victim), "X-HTTP-Method-Override", "PATCH"), "Upload-Offset", "1000"), 412),
        ["method override to DELETE of an unknown id"] = (_ => Header(Tus(HttpMethod.Post, Unknown), "X-HTTP-Method-Override", "DELETE"), 404),
        ["delete of an unknown id"] = (_ => Tus(HttpMethod.Delete, Unknown), 404),
        ["delete with an unsupported version"] = (t => Header(Plain(HttpMethod.Delete, t.Victim), "Tus-Resumable", "0.2.2"), 412),
        ["status of a traversal id"] = (_ => Plain(HttpMethod.Get, "/api/uploads/..%2F..%2Fetc%2Fpasswd"), 404),
        ["content of an unfinished upload"] = (t => Plain(HttpMethod.Get, t.Victim + "/content"), 409),
        ["list of an unknown state"] = (_ => Plain(HttpMethod.Get, "/api/uploads?state=everything"), 400),
        ["form without a boundary"] = (_ => WithBody(Plain(HttpMethod.Post, "/api/uploads"), new byte[10], "multipart/form-data"), 400),
        ["form without a file part"] = (_ => Form("--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--b--\r\n"), 400),
        ["huge request headers"] = (t => Header(Tus(HttpMethod.Head, t.Victim), "X-Padding", new string('a', 64 << 10)), 431),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_bad_request_gets_its_status_and_changes_nothing(string name)
    {
        var targets = await TargetsAsync();
        using var client = fixture.CreateClient();
        var (request, expected) = Cases[name];

        using var response = await client.SendAsync(request(targets));

        Assert.Equal(expected, (int)response.StatusCode);
        var victim = await client.StatusAsync(targets.Victim);
        Assert.Equal(("paused", 1000L), (victim.State, victim.BytesReceived));
        Assert.Equal(targets.VictimBytes, await File.ReadAllBytesAsync(fixture.Service.StoredFile(IdOf(targets.Victim))));
        Assert.Equal("completed", (await client.StatusAsync(targets.Completed)).State);
        using var stillServing = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/uploads"));
        Assert.Equal(HttpStatusCode.NoContent, stillServing.StatusCode);
    }

    [Fact]
    public void There_are_at_least_forty_cases() => Assert.True(Cases.Count >= 40, $"{Cases.Count} cases");

    private async Task<Targets> TargetsAsync()
    {
        await Setup.WaitAsync();
        try
        {
            if (_targets is null)
            {
                using var client = fixture.CreateClient();
                var bytes = RandomBytes(1000);
                var victim = await client.CreateAsync(2000);
                await client.PatchAsync(victim, 0, bytes);
                var completed = await client.CreateAsync(100);
                await client.PatchAsync(completed, 0, RandomBytes(100));
                var cancelled = await client.CreateAsync(100);
                await client.SendAsync(Tus(HttpMethod.Delete, cancelled));
                _targets = new Targets(victim, bytes, completed, cancelled);
            }

            return _targets;
        }
        finally
        {
            Setup.Release();
        }
    }

    private static HttpRequestMessage Plain(HttpMethod method, string path) => new(method, path);

    private static HttpRequestMessage Create(string? version, string? length, string? metadata = null)
    {
        var request = Plain(HttpMethod.Post, "/api/uploads");
        if (version is not null) { request.Headers.Add("Tus-Resumable", version); }
        if (length is not null) { request.Headers.TryAddWithoutValidation("Upload-Length", length); }
        if (metadata is not null) { request.Headers.TryAddWithoutValidation("Upload-Metadata", metadata); }
        return request;
    }

    private static HttpRequestMessage Patch(string location, string offset, byte[] body) =>
        WithBody(Header(Tus(HttpMethod.Patch, location), "Upload-Offset", offset), body);

    private static HttpRequestMessage Header(HttpRequestMessage request, string name, string value, byte[]? body = null)
    {
        request.Headers.TryAddWithoutValidation(name, value);
        return body is null ? request : WithBody(request, body);
    }

    private static HttpRequestMessage WithBody(HttpRequestMessage request, byte[] body, string? contentType = "application/offset+octet-stream")
    {
        request.Content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return request;
    }

    private static HttpRequestMessage Form(string body)
    {
        var request = Plain(HttpMethod.Post, "/api/uploads");
        request.Content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        return request;
    }
}
