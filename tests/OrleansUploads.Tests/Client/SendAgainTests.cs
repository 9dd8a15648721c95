using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansUploads.Client;
using OrleansUploads.Terminal;

namespace OrleansUploads.Tests.Client;

/// <summary>
/// <c>uploads send</c> run again after an interruption: it continues the unfinished files and does not send
/// again a file the service already holds completed, unless that upload is gone or asked for anew.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class SendAgainTests(ClientServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _stateFile = fixture.NewPath();

    private UploadsTool Tool() => new("--server", fixture.Service.BaseAddress.ToString(), "--state-file", _stateFile);

    [Fact]
    public async Task Run_again_after_ctrl_c_a_send_resumes_the_unfinished_file_and_does_not_send_the_completed_one_again()
    {
        var (slowPath, slowBytes) = fixture.NewFile(1 << 20);
        var (quickPath, quickBytes) = fixture.NewFile(1_000);
        using var client = fixture.NewClient();
        var store = new FileResumeStore(_stateFile);
        var first = Tool();

        string slowId;
        await using (var sending = first.Start("send", slowPath, quickPath, "--chunk-size", "32k", "--limit-rate", "128k", "--json"))
        {
            var slow = await Eventually.UntilAsync(() => store.FindAsync(FileFingerprint.Of(slowPath, client.Server)).AsTask(), entry => entry is not null || sending.HasExited, Patience, "the slow file's upload URL");
            slowId = UploadsClient.IdOf(slow?.Upload ?? throw new InvalidOperationException("send ended early:\n" + first));
            // The quick file's line comes when it has completed; the slow one is then still under way.
            await first.FirstOutput.WaitAsync(Patience);
            await client.WatchAsync(slowId).FirstAsync(s => s.BytesReceived > 0).AsTask().WaitAsync(Patience);
            await sending.SignalAsync("INT");
            await sending.Exited.WaitAsync(Patience);
            Assert.Equal(ExitCodes.Interrupted, sending.ExitCode);
        }

        var quickFirst = JsonSerializer.Deserialize<SentFile>(Assert.Single(first.Output), UploadJson.Options)!;
        var second = Tool();
        var exit = await second.RunAsync("send", slowPath, quickPath, "--json");
        var lines = second.Output.Select(line => (Sent: JsonSerializer.Deserialize<SentFile>(line, UploadJson.Options)!, Json: JsonNode.Parse(line)!)).ToDictionary(l => l.Sent.File);
        var copy = fixture.NewPath(".copy");
        await client.DownloadAsync(slowId, copy);

        Assert.Equal(0, exit);
        Assert.Equal((quickPath, UploadState.Completed), (quickFirst.File, quickFirst.Status.State));
        var quick = lines[quickPath];
        Assert.Equal((quickFirst.Status.Id, UploadState.Completed, ClientServiceFixture.Sha256(quickBytes)), (quick.Sent.Status.Id, quick.Sent.Status.State, quick.Sent.Status.Sha256));
        Assert.True(quick.Json["alreadyUploaded"]?.GetValue<bool>(), "the completed file is said not to be sent again:\n" + second);
        var slowSent = lines[slowPath];
        Assert.Equal((true, slowId, UploadState.Completed), (slowSent.Sent.Resumed, slowSent.Sent.Status.Id, slowSent.Sent.Status.State));
        Assert.False(slowSent.Json["alreadyUploaded"]?.GetValue<bool>());
        Assert.Equal(slowBytes, await File.ReadAllBytesAsync(copy));
    }

    [Fact]
    public async Task A_completed_file_is_said_to_be_uploaded_already_in_the_text_output_too()
    {
        var (path, bytes) = fixture.NewFile(2_000);
        var first = await Tool().RunAsync("send", path);
        var tool = Tool();

        var exit = await tool.RunAsync("send", path);

        Assert.Equal((0, 0), (first, exit));
        Assert.Contains(tool.Output, line => line.Contains("already uploaded") && line.Contains(ClientServiceFixture.Sha256(bytes)));
    }

    [Fact]
    public async Task A_file_whose_completed_upload_the_service_no_longer_has_is_sent_anew()
    {
        var (path, bytes) = fixture.NewFile(5_000);
        using var client = fixture.NewClient();
        var first = Tool();
        await first.RunAsync("send", path, "--json");
        var earlier = JsonSerializer.Deserialize<SentFile>(Assert.Single(first.Output), UploadJson.Options)!;
        var deleted = await client.CancelAsync(earlier.Status.Id);
        var second = Tool();

        var exit = await second.RunAsync("send", path, "--json");
        var line = Assert.Single(second.Output);
        var sent = JsonSerializer.Deserialize<SentFile>(line, UploadJson.Options)!;

        Assert.Equal(UploadState.Deleted, deleted.State);
        Assert.Equal(0, exit);
        Assert.NotEqual(earlier.Status.Id, sent.Status.Id);
        Assert.Equal((false, UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (sent.Resumed, sent.Status.State, sent.Status.Sha256));
        Assert.False(JsonNode.Parse(line)!["alreadyUploaded"]?.GetValue<bool>());
    }

    [Fact]
    public async Task Again_sends_a_completed_file_as_a_new_upload()
    {
        var (path, bytes) = fixture.NewFile(3_000);
        var first = Tool();
        await first.RunAsync("send", path, "--json");
        var earlier = JsonSerializer.Deserialize<SentFile>(Assert.Single(first.Output), UploadJson.Options)!;
        var second = Tool();

        var exit = await second.RunAsync("send", path, "--again", "--json");
        var sent = JsonSerializer.Deserialize<SentFile>(Assert.Single(second.Output), UploadJson.Options)!;

        Assert.Equal(0, exit);
        Assert.NotEqual(earlier.Status.Id, sent.Status.Id);
        Assert.Equal((UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (sent.Status.State, sent.Status.Sha256));
    }

    [Fact]
    public async Task A_file_whose_completed_upload_holds_other_content_is_sent_anew()
    {
        var (path, bytes) = fixture.NewFile(4_000);
        var (other, _) = fixture.NewFile(4_000);
        using var client = fixture.NewClient();
        var otherId = (await client.UploadFileAsync(other).WaitAsync(Patience)).Id;
        var otherStatus = await client.WatchAsync(otherId).LastAsync().AsTask().WaitAsync(Patience);
        // A stale entry (the file rewritten with its old write time, say) that names a completed upload of other content.
        await new FileResumeStore(_stateFile).SaveAsync(FileFingerprint.Of(path, client.Server),
            new ResumeEntry(client.Address.Upload(otherStatus.Id), ClientServiceFixture.Sha256(bytes), DateTimeOffset.UtcNow));
        var tool = Tool();

        var exit = await tool.RunAsync("send", path, "--json");
        var sent = JsonSerializer.Deserialize<SentFile>(Assert.Single(tool.Output), UploadJson.Options)!;

        Assert.Equal(0, exit);
        Assert.Equal(UploadState.Completed, otherStatus.State);
        Assert.NotEqual(otherStatus.Id, sent.Status.Id);
        Assert.Equal((false, UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (sent.AlreadyUploaded, sent.Status.State, sent.Status.Sha256));
    }
}
