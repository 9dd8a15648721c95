using System.Security.Cryptography;
using System.Text;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Processing;

/// <summary>The outcome of each upload posted to real receivers on 127.0.0.1: signed, retried with backoff, through a restart.</summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private const string Secret = "s3cret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private HookReceiver? _first;
    private HookReceiver? _second;
    private UploadService? _service;

    private HookReceiver First => _first!;

    private HookReceiver Second => _second!;

    private UploadService Service => _service!;

    public async Task InitializeAsync()
    {
        _first = await HookReceiver.StartAsync();
        _second = await HookReceiver.StartAsync();
        _service = await UploadService.StartAsync(
            $"--Uploads:Webhooks:Urls:0={_first.Url}", $"--Uploads:Webhooks:Urls:1={_second.Url}", $"--Uploads:Webhooks:Secret={Secret}",
            "--Uploads:Webhooks:FirstRetryDelay=00:00:00.300", "--Uploads:SweepInterval=00:00:01");
    }

    [Fact]
    public async Task The_outcome_is_posted_signed_to_every_webhook_and_its_delivery_shows_in_the_status()
    {
        using var client = Service.CreateClient();
        var data = RandomBytes(2000);
        var location = await client.CreateAsync(data.Length, Metadata(("filename", "report.txt")));
        await client.PatchAsync(location, 0, data);

        var status = await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.Webhook?.State == "delivered", Patience, "the delivery");

        Assert.Equal(1, status.Webhook!.Attempts);
        foreach (var receiver in new[] { First, Second })
        {
            var post = Assert.Single(receiver.Received);
            Assert.Equal("upload.completed", post.Body.GetProperty("event").GetString());
            Assert.Equal((IdOf(location), Sha256(data)), (post.Body.GetProperty("upload").GetProperty("id").GetString(), post.Body.GetProperty("upload").GetProperty("sha256").GetString()));
            var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(post.Raw)));
            Assert.Equal(signature, post.Headers["Upload-Signature"]);
        }
    }

    [Fact]
    public async Task A_webhook_that_fails_and_then_recovers_is_retried_with_backoff_until_it_takes_the_outcome()
    {
        Second.Answer = (_, count) => count < 2 ? (500, null) : (200, null);
        using var client = Service.CreateClient();
        var location = await client.CreateAsync(10);
        await client.PatchAsync(location, 0, RandomBytes(10));

        var failing = await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.Webhook is { State: "pending", Attempts: >= 1 }, Patience, "a failed attempt");
        var delivered = await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.Webhook?.State == "delivered", Patience, "the delivery");

        Assert.Contains("500", failing.Webhook!.LastError);
        Assert.NotNull(failing.Webhook.NextAttemptAt);
        Assert.Equal(3, delivered.Webhook!.Attempts);
        Assert.Single(First.Received);
        Assert.Equal(["1", "2", "3"], Second.Received.Select(post => post.Headers["Upload-Delivery-Attempt"]));
    }

    [Fact]
    public async Task Retries_go_on_after_the_service_restarts_in_the_middle_of_them()
    {
        var down = true;
        First.Answer = (_, _) => down ? (503, null) : (200, null);
        using var client = Service.CreateClient();
        var location = await client.CreateAsync(10);
        await client.PatchAsync(location, 0, RandomBytes(10));
        await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.Webhook is { State: "pending", Attempts: >= 2 }, Patience, "failed attempts");

        await Service.KillAsync();
        var before = First.Received.Count;
        down = false;
        await Service.RestartAsync();

        // Nobody asks about the upload: whatever wakes it after the restart is the service's own doing.
        await Eventually.UntilAsync(() => Task.FromResult(First.Received.Count), count => count > before, Patience, "a delivery after the restart");
        var delivered = await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.Webhook?.State == "delivered", Patience, "the delivery to be recorded");
        Assert.True(delivered.Webhook!.Attempts > 2);
    }

    public async Task DisposeAsync()
    {
        await Service.DisposeAsync();
        await First.DisposeAsync();
        await Second.DisposeAsync();
    }
}
