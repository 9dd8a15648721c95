using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Processing;

/// <summary>The checks before an upload exists: an HTTP hook that may refuse or add metadata, and the built-in rules.</summary>
public sealed class CreationHookTests : IAsyncLifetime
{
    private HookReceiver? _hook;
    private UploadService? _service;

    private HookReceiver Hook => _hook!;

    private UploadService Service => _service!;

    public async Task InitializeAsync()
    {
        _hook = await HookReceiver.StartAsync();
        _service = await UploadService.StartAsync(
            $"--Uploads:Validation:HookUrl={_hook.Url}",
            "--Uploads:Validation:AllowedContentTypes:0=image/*",
            "--Uploads:Validation:AllowedContentTypes:1=text/plain",
            "--Uploads:Validation:FileNamePattern=^[a-z0-9 ._-]+$",
            "--Uploads:Validation:MaxBytesPerOwner=1000");
    }

    [Fact]
    public async Task A_hook_refusal_reaches_tus_js_clients_on_error_with_the_hooks_message_and_nothing_is_created()
    {
        Hook.Answer = (_, _) => (200, new { accept = false, status = 403, message = "Alice's quota is used up." });

        using var node = NodeScript.Start("tus-create.mjs", Endpoint, """{"filename":"notes.txt","filetype":"text/plain"}""");
        var outcome = await node.FinishAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(403, outcome.GetProperty("status").GetInt32());
        Assert.Contains("Alice's quota is used up.", outcome.GetProperty("error").GetString());
        var asked = Assert.Single(Hook.Received);
        Assert.Equal("notes.txt", asked.Body.GetProperty("metadata").GetProperty("filename").GetString());
        Assert.Equal(12, asked.Body.GetProperty("length").GetInt64());
        using var client = Service.CreateClient();
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>("/api/uploads?state=active"))!);
    }

    [Fact]
    public async Task A_hook_that_accepts_may_add_metadata_which_the_upload_then_carries()
    {
        Hook.Answer = (_, _) => (200, new { accept = true, metadata = new Dictionary<string, string> { ["project"] = "apollo" } });

        using var node = NodeScript.Start("tus-create.mjs", Endpoint, """{"filename":"notes.txt","filetype":"text/plain"}""");
        var outcome = await node.FinishAsync(TimeSpan.FromSeconds(30));

        using var client = Service.CreateClient();
        var location = new Uri(outcome.GetProperty("url").GetString()!).AbsolutePath;
        using var head = await client.SendAsync(Tus(HttpMethod.Head, location));
        var metadata = head.Headers.GetValues("Upload-Metadata").Single();
        Assert.Contains($"project {Convert.ToBase64String("apollo"u8)}", metadata);
        Assert.Contains($"filename {Convert.ToBase64String("notes.txt"u8)}", metadata);
        Assert.Equal("completed", (await client.StatusAsync(location)).State);
    }

    [Theory]
    [InlineData("report.pdf", "application/pdf", HttpStatusCode.UnsupportedMediaType, "not accepted here")]
    [InlineData("../secret.txt", "text/plain", HttpStatusCode.BadRequest, "rule for names")]
    public async Task The_built_in_rules_refuse_a_type_or_a_name_before_the_hook_is_asked(string name, string type, HttpStatusCode expected, string message)
    {
        using var client = Service.CreateClient();
        using var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "10");
        request.Headers.Add("Upload-Metadata", Metadata(("filename", name), ("filetype", type)));

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
        Assert.Empty(Hook.Received);
    }

    [Fact]
    public async Task A_size_quota_counts_unfinished_and_kept_uploads_and_frees_the_bytes_of_those_that_ended_otherwise()
    {
        using var client = Service.CreateClient();
        var unfinished = await client.CreateAsync(600, Plain);

        using var pastQuota = await CreateAsync(client, 500);
        Assert.Equal(HttpStatusCode.Forbidden, pastQuota.StatusCode);
        Assert.Contains("quota of 1000 bytes", await pastQuota.Content.ReadAsStringAsync());

        using (await client.SendAsync(Tus(HttpMethod.Delete, unfinished)))
        {
        }

        var kept = await client.CreateAsync(500, Plain);
        await client.PatchAsync(kept, 0, RandomBytes(500));
        Assert.Equal("completed", (await client.StatusAsync(kept)).State);
        using var pastQuotaAgain = await CreateAsync(client, 600);
        using var withinQuota = await CreateAsync(client, 500);
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Created), (pastQuotaAgain.StatusCode, withinQuota.StatusCode));
    }

    private static readonly string Plain = Metadata(("filename", "a.txt"), ("filetype", "text/plain"));

    private static Task<HttpResponseMessage> CreateAsync(HttpClient client, long length)
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", length.ToString());
        request.Headers.Add("Upload-Metadata", Plain);
        return client.SendAsync(request);
    }

    [Fact]
    public async Task While_the_hook_cannot_be_reached_nothing_is_created_and_the_client_may_retry()
    {
        Hook.Answer = (_, _) => (500, null);
        using var client = Service.CreateClient();
        using var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "10");
        request.Headers.Add("Upload-Metadata", Metadata(("filename", "a.txt"), ("filetype", "text/plain")));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>("/api/uploads?state=active"))!);
    }

    private string Endpoint => new Uri(Service.BaseAddress, "/api/uploads").ToString();

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await Hook.DisposeAsync();
    }
}
