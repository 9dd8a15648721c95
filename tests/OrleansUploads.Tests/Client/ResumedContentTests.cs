using System.Net;
using System.Text.Json;
using OrleansUploads.Client;
using OrleansUploads.Terminal;

namespace OrleansUploads.Tests.Client;

/// <summary>
/// An upload resumed with another file of the same length (an upload URL, a stale state-file entry) never
/// ends as that file: the service fails it against the SHA-256 declared at creation, and the client says why.
/// </summary>
[Collection(ClientCollection.Name)]
public sealed class ResumedContentTests(ClientServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Resuming_an_upload_url_with_another_file_of_the_same_length_fails_with_the_mismatch()
    {
        var (first, firstBytes) = fixture.NewFile(200_000);
        var (other, _) = fixture.NewFile(200_000);
        using var client = fixture.NewClient(chunkSize: 64 << 10);
        var location = await BeginHalfwayAsync(client, first, firstBytes);

        var mismatch = await Assert.ThrowsAsync<UploadsException>(() => client.UploadFileAsync(other, new UploadOptions { ResumeFrom = location }).WaitAsync(Patience));
        var end = await client.WatchAsync(UploadsClient.IdOf(location)).LastAsync().AsTask().WaitAsync(Patience);

        Assert.Equal(UploadsError.Failed, mismatch.Error);
        Assert.Contains("SHA-256", mismatch.Message);
        Assert.Equal((UploadState.Failed, "checksum"), (end.State, end.Stage));
    }

    [Fact]
    public async Task Resuming_an_upload_that_declared_no_sha256_with_another_file_fails_on_the_servers_sha256()
    {
        var (first, firstBytes) = fixture.NewFile(200_000);
        var (other, _) = fixture.NewFile(200_000);
        using var client = fixture.NewClient(chunkSize: 64 << 10);
        // Created by another tus client, which declares no SHA-256: the service has nothing to check it against.
        var location = await BeginHalfwayAsync(client, first, firstBytes, declared: false);

        var mismatch = await Assert.ThrowsAsync<UploadsException>(() => client.UploadFileAsync(other, new UploadOptions { ResumeFrom = location }).WaitAsync(Patience));

        Assert.Equal(UploadsError.Failed, mismatch.Error);
        Assert.Contains(ClientServiceFixture.Sha256(await File.ReadAllBytesAsync(other)), mismatch.Message);
        Assert.Contains(other, mismatch.Message);
    }

    [Fact]
    public async Task The_tool_resuming_a_stale_state_file_entry_with_another_file_exits_1_and_says_why()
    {
        var (first, firstBytes) = fixture.NewFile(200_000);
        var (other, _) = fixture.NewFile(200_000);
        using var client = fixture.NewClient(chunkSize: 64 << 10);
        var stateFile = fixture.NewPath();
        var location = await BeginHalfwayAsync(client, first, firstBytes);
        // An entry left by an earlier version of the tool (no SHA-256 kept) that names another file's upload.
        await new FileResumeStore(stateFile).SaveAsync(FileFingerprint.Of(other, client.Server), new ResumeEntry(location, null));
        var tool = new UploadsTool("--server", fixture.Service.BaseAddress.ToString(), "--state-file", stateFile);

        var exit = await tool.RunAsync("send", other, "--json");
        var error = JsonSerializer.Deserialize<ToolError>(Assert.Single(tool.Errors), UploadJson.Options)!;

        Assert.Equal((ExitCodes.Failed, ExitCodes.Failed), (exit, error.ExitCode));
        Assert.Contains("SHA-256", error.Error);
        Assert.Empty(tool.Output);
        Assert.NotEqual(UploadState.Completed, (await client.GetStatusAsync(UploadsClient.IdOf(location))).State);
        Assert.Null(await new FileResumeStore(stateFile).FindAsync(FileFingerprint.Of(other, client.Server)));
    }

    /// <summary>
    /// Creates <paramref name="path"/>'s upload (with this client, or without a declared SHA-256 as another tus
    /// client would) and stores its first half, as a run stopped midway leaves it.
    /// </summary>
    private async Task<Uri> BeginHalfwayAsync(UploadsClient client, string path, byte[] bytes, bool declared = true)
    {
        using var http = fixture.Service.CreateClient();
        Uri location;
        if (declared)
        {
            using var begun = await client.StartFileUploadAsync(path);
            location = begun.Location;
        }
        else
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, "/api/uploads");
            create.Headers.Add("Tus-Resumable", "1.0.0");
            create.Headers.Add("Upload-Length", bytes.Length.ToString());
            using var created = await http.SendAsync(create);
            location = new Uri(client.Server, created.Headers.Location ?? throw new InvalidOperationException("created without a Location"));
        }

        using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(bytes[..(bytes.Length / 2)]) };
        patch.Headers.Add("Tus-Resumable", "1.0.0");
        patch.Headers.Add("Upload-Offset", "0");
        patch.Content.Headers.ContentType = new("application/offset+octet-stream");
        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(patch)).StatusCode);
        return location;
    }
}
