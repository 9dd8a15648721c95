using System.Text.Json;
using OrleansUploads.Client;
using OrleansUploads.Terminal;

namespace OrleansUploads.Tests.Client;

/// <summary>The <c>uploads</c> tool as a process: resuming after a kill, its JSON lines and its exit codes.</summary>
[Collection(ClientCollection.Name)]
public sealed class CommandLineTests(ClientServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private UploadsTool Tool() => new("--server", fixture.Service.BaseAddress.ToString(), "--state-file", _stateFile);

    private readonly string _stateFile = fixture.NewPath();

    [Fact]
    public async Task A_send_killed_halfway_resumes_on_the_next_run_to_a_byte_identical_file()
    {
        var (path, bytes) = fixture.NewFile(1 << 20);
        using var client = fixture.NewClient();
        var store = new FileResumeStore(_stateFile);
        var fingerprint = FileFingerprint.Of(path, client.Server);
        var first = Tool();

        string id;
        await using (var sending = first.Start("send", path, "--chunk-size", "32k", "--limit-rate", "256k"))
        {
            var location = await Eventually.UntilAsync(() => store.FindAsync(fingerprint).AsTask(), url => url is not null || sending.HasExited, Patience, "the upload URL in the state file");
            id = UploadsClient.IdOf(location?.Upload ?? throw new InvalidOperationException("send ended early:\n" + first));
            await client.WatchAsync(id).FirstAsync(s => s.BytesReceived > 0).AsTask().WaitAsync(Patience);
            await sending.KillAsync();
        }

        var halfway = await client.GetStatusAsync(id);
        var second = Tool();
        var exit = await second.RunAsync("send", path, "--json");
        var sent = JsonSerializer.Deserialize<SentFile>(second.Output.Single(), UploadJson.Options)!;
        var copy = fixture.NewPath(".copy");
        await client.DownloadAsync(id, copy);

        Assert.InRange(halfway.BytesReceived, 1, bytes.Length - 1);
        Assert.Equal(0, exit);
        Assert.Equal((true, id, UploadState.Completed), (sent.Resumed, sent.Status.Id, sent.Status.State));
        Assert.True(sent.ResumedAt >= halfway.BytesReceived);
        Assert.Equal(ClientServiceFixture.Sha256(bytes), sent.Status.Sha256);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(copy));
    }

    [Fact]
    public async Task A_file_sent_in_parts_has_its_final_upload_marked_completed_in_the_state_file_once_it_has_ended()
    {
        var (path, bytes) = fixture.NewFile(600_000);
        using var client = fixture.NewClient();
        var tool = Tool();

        var exit = await tool.RunAsync("send", path, "--parts", "3", "--chunk-size", "64k", "--json");
        var sent = JsonSerializer.Deserialize<SentFile>(tool.Output.Single(), UploadJson.Options)!;

        Assert.Equal(0, exit);
        Assert.Equal((UploadState.Completed, ClientServiceFixture.Sha256(bytes)), (sent.Status.State, sent.Status.Sha256));
        var entry = await new FileResumeStore(_stateFile).FindAsync(FileFingerprint.Of(path, client.Server));
        Assert.Equal(sent.Status.Id, UploadsClient.IdOf(entry?.Upload ?? throw new InvalidOperationException("no entry")));
        Assert.NotNull(entry.Completed);
    }

    [Fact]
    public async Task A_file_cancelled_while_it_is_sent_is_reported_as_cancelled_and_the_other_files_still_are_reported()
    {
        var (slowPath, _) = fixture.NewFile(1 << 20);
        var (quickPath, quickBytes) = fixture.NewFile(1_000);
        using var client = fixture.NewClient();
        var store = new FileResumeStore(_stateFile);
        var tool = Tool();

        int exit;
        await using (var sending = tool.Start("send", slowPath, quickPath, "--chunk-size", "32k", "--limit-rate", "128k", "--json"))
        {
            var location = await Eventually.UntilAsync(() => store.FindAsync(FileFingerprint.Of(slowPath, client.Server)).AsTask(), url => url is not null || sending.HasExited, Patience, "the slow file's upload URL");
            var id = UploadsClient.IdOf(location?.Upload ?? throw new InvalidOperationException("send ended early:\n" + tool));
            await client.WatchAsync(id).FirstAsync(s => s.BytesReceived > 0).AsTask().WaitAsync(Patience);
            await client.CancelAsync(id);
            await sending.Exited.WaitAsync(Patience);
            exit = sending.ExitCode;
        }

        var sent = tool.Output.Select(line => JsonSerializer.Deserialize<SentFile>(line, UploadJson.Options)!).ToDictionary(s => s.File);

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Equal(UploadState.Cancelled, sent[slowPath].Status.State);
        Assert.Equal((UploadState.Completed, ClientServiceFixture.Sha256(quickBytes)), (sent[quickPath].Status.State, sent[quickPath].Status.Sha256));
        Assert.Null(await store.FindAsync(FileFingerprint.Of(slowPath, client.Server)));
    }

    [Fact]
    public async Task Json_output_is_one_parsable_object_per_line()
    {
        var files = new[] { fixture.NewFile(70_000), fixture.NewFile(1_000) };
        var tool = Tool();

        var sendExit = await tool.RunAsync(["send", .. files.Select(f => f.Path), "--json"]);
        // Each line comes as its file ends, so in whatever order they end.
        var sent = tool.Output.Select(line => JsonSerializer.Deserialize<SentFile>(line, UploadJson.Options)!).OrderBy(s => Array.FindIndex(files, f => f.Path == s.File)).ToArray();
        var copy = fixture.NewPath(".copy");
        var getTool = Tool();
        var getExit = await getTool.RunAsync("get", sent[0].Status.Id, "-o", copy, "--json");
        var saved = JsonSerializer.Deserialize<SavedFile>(getTool.Output.Single(), UploadJson.Options)!;
        var watchTool = Tool();
        var watchExit = await watchTool.RunAsync("watch", sent[1].Status.Id, "--json");
        var watched = watchTool.Output.Select(line => JsonSerializer.Deserialize<UploadStatus>(line, UploadJson.Options)!).ToArray();

        Assert.Equal((0, 0, 0), (sendExit, getExit, watchExit));
        Assert.Equal(files.Select(f => (f.Path, ClientServiceFixture.Sha256(f.Bytes))), sent.Select(s => (s.File, s.Status.Sha256!)));
        Assert.Equal((copy, 70_000L, sent[0].Status.Sha256), (saved.Path, saved.Length, saved.Sha256));
        Assert.Equal(files[0].Bytes, await File.ReadAllBytesAsync(copy));
        Assert.Equal(UploadState.Completed, Assert.Single(watched).State);
    }

    [Fact]
    public async Task Ls_and_cancel_speak_json_too()
    {
        using var client = fixture.NewClient();
        string id;
        using (var upload = await client.StartFileUploadAsync(fixture.NewFile(5_000).Path))
        {
            id = upload.Id;
        }

        var list = Tool();
        var listExit = await list.RunAsync("ls", "--json");
        var listed = list.Output.Select(line => JsonSerializer.Deserialize<UploadStatus>(line, UploadJson.Options)!).ToArray();
        var cancel = Tool();
        var cancelExit = await cancel.RunAsync("cancel", id, "--json");
        var cancelled = JsonSerializer.Deserialize<UploadStatus>(cancel.Output.Single(), UploadJson.Options)!;

        Assert.Equal((0, 0), (listExit, cancelExit));
        Assert.Contains(listed, s => s.Id == id && s.State == UploadState.Created);
        Assert.Equal((id, UploadState.Cancelled), (cancelled.Id, cancelled.State));
    }

    [Fact]
    public async Task Exit_codes_tell_not_found_unreachable_and_usage_apart()
    {
        var unknown = Tool();
        var notFound = await unknown.RunAsync("get", Guid.NewGuid().ToString("N"), "--json");
        var error = JsonSerializer.Deserialize<ToolError>(unknown.Errors.Single(), UploadJson.Options)!;
        var unreachable = await new UploadsTool().RunAsync("ls", "--server", $"http://127.0.0.1:{FreePort.Next()}");
        var usage = new[] { await new UploadsTool().RunAsync("send"), await new UploadsTool().RunAsync("frobnicate") };

        Assert.Equal((ExitCodes.NotFound, ExitCodes.NotFound), (notFound, error.ExitCode));
        Assert.Equal(ExitCodes.Unreachable, unreachable);
        Assert.All(usage, exit => Assert.Equal(ExitCodes.Usage, exit));
    }

    [Fact]
    public async Task A_server_without_a_scheme_is_a_usage_error_and_a_file_in_a_missing_folder_is_not_found()
    {
        var schemeless = new UploadsTool();
        var usage = await schemeless.RunAsync("ls", "--server", $"localhost:{FreePort.Next()}", "--json");
        var missingFolder = await Tool().RunAsync("send", Path.Combine(fixture.Scratch, Guid.NewGuid().ToString("N"), "report.bin"));

        Assert.Equal(ExitCodes.Usage, usage);
        Assert.Contains("http", JsonSerializer.Deserialize<ToolError>(schemeless.Errors.Single(), UploadJson.Options)!.Error);
        Assert.Equal(ExitCodes.NotFound, missingFolder);
    }

    [Fact]
    public async Task A_server_address_that_names_an_endpoint_instead_of_the_root_says_so()
    {
        var (path, bytes) = fixture.NewFile(10_000);
        var root = fixture.Service.BaseAddress.AbsoluteUri.TrimEnd('/');
        var endpoint = new UploadsTool("--state-file", _stateFile);
        var misplaced = await endpoint.RunAsync("send", path, "--server", root + "/api", "--json");
        var error = JsonSerializer.Deserialize<ToolError>(endpoint.Errors.Single(), UploadJson.Options)!;
        var slashless = new UploadsTool("--state-file", _stateFile);
        var sent = await slashless.RunAsync("send", path, "--server", root, "--json");

        Assert.Equal((ExitCodes.Unreachable, ExitCodes.Unreachable), (misplaced, error.ExitCode));
        Assert.Contains($"{root}/api/api/uploads", error.Error);
        Assert.Contains("root", error.Error);
        Assert.Equal(0, sent);
        Assert.Equal(ClientServiceFixture.Sha256(bytes), JsonSerializer.Deserialize<SentFile>(slashless.Output.Single(), UploadJson.Options)!.Status.Sha256);
    }

    [Fact]
    public async Task Watch_without_a_terminal_still_says_how_the_upload_ended()
    {
        var (path, bytes) = fixture.NewFile(2_000);
        using var client = fixture.NewClient();
        var status = await client.UploadFileAsync(path).WaitAsync(Patience);
        var tool = Tool();

        var exit = await tool.RunAsync("watch", status.Id);

        Assert.Equal(0, exit);
        Assert.Contains(tool.Output, line => line.Contains("completed") && line.Contains(status.Id) && line.Contains(ClientServiceFixture.Sha256(bytes)));
    }

    [Fact]
    public async Task Send_json_writes_each_files_line_when_that_file_ends()
    {
        var (slowPath, _) = fixture.NewFile(1 << 20);
        var (quickPath, _) = fixture.NewFile(1_000);
        using var client = fixture.NewClient();
        var store = new FileResumeStore(_stateFile);
        var tool = Tool();

        await using var sending = tool.Start("send", slowPath, quickPath, "--chunk-size", "32k", "--limit-rate", "128k", "--json");
        var slow = await Eventually.UntilAsync(() => store.FindAsync(FileFingerprint.Of(slowPath, client.Server)).AsTask(), url => url is not null || sending.HasExited, Patience, "the slow file's upload URL");
        await tool.FirstOutput.WaitAsync(Patience);
        var lines = tool.Output.ToArray();
        var slowAtFirstLine = await client.GetStatusAsync(UploadsClient.IdOf(slow?.Upload ?? throw new InvalidOperationException("send ended early:\n" + tool)));
        await sending.Exited.WaitAsync(Patience);

        Assert.Equal(quickPath, JsonSerializer.Deserialize<SentFile>(Assert.Single(lines), UploadJson.Options)!.File);
        Assert.False(slowAtFirstLine.State.IsTerminal(), "the quick file's line came before the slow file ended");
        Assert.Equal(0, sending.ExitCode);
    }

    [Fact]
    public async Task Ctrl_C_stops_a_send_with_exit_code_130_and_keeps_its_upload_to_resume()
    {
        var (path, _) = fixture.NewFile(1 << 20);
        using var client = fixture.NewClient();
        var store = new FileResumeStore(_stateFile);
        var tool = Tool();

        await using var sending = tool.Start("send", path, "--chunk-size", "32k", "--limit-rate", "128k", "--json");
        var location = await Eventually.UntilAsync(() => store.FindAsync(FileFingerprint.Of(path, client.Server)).AsTask(), url => url is not null || sending.HasExited, Patience, "the upload URL in the state file");
        var id = UploadsClient.IdOf(location?.Upload ?? throw new InvalidOperationException("send ended early:\n" + tool));
        await client.WatchAsync(id).FirstAsync(s => s.BytesReceived > 0).AsTask().WaitAsync(Patience);
        await sending.SignalAsync("INT");
        await sending.Exited.WaitAsync(Patience);

        Assert.Equal(ExitCodes.Interrupted, sending.ExitCode);
        Assert.Equal(ExitCodes.Interrupted, JsonSerializer.Deserialize<ToolError>(tool.Errors.Single(), UploadJson.Options)!.ExitCode);
        Assert.Equal(location, await store.FindAsync(FileFingerprint.Of(path, client.Server)));
        Assert.False((await client.GetStatusAsync(id)).State.IsTerminal());
    }
}
