using System.Net;
using OrleansUploads.Client;
using OrleansUploads.Terminal;
using Spectre.Console.Testing;

namespace OrleansUploads.Tests.Client;

/// <summary>The tool's progress bars, drawn on Spectre's test console: they move with the service's events and nothing else.</summary>
[Collection(ClientCollection.Name)]
public sealed class ProgressDisplayTests(ClientServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_bar_shows_what_the_service_confirmed_even_when_someone_else_sends_the_bytes()
    {
        var (path, bytes) = fixture.NewFile(400_000);
        using var client = fixture.NewClient();
        using var upload = await client.StartFileUploadAsync(path);
        var console = new TestConsole().Interactive().Width(160);
        var halfShown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var http = fixture.Service.CreateClient();

        var display = SendProgress.RunAsync(console, async board =>
        {
            var show = board.Add("report.bin");
            UploadStatus? last = null;
            await foreach (var status in client.WatchAsync(upload.Id))
            {
                show(last = status);
                if (status.BytesReceived == 100_000)
                {
                    halfShown.TrySetResult();
                }
            }

            return last;
        });
        // No byte goes through the display's side: the bar can only move because the service said so.
        await PatchAsync(http, upload.Location, 0, bytes[..100_000]);
        await halfShown.Task.WaitAsync(Patience);
        var atQuarter = console.Output;
        await PatchAsync(http, upload.Location, 100_000, bytes[100_000..]);
        var end = await display.WaitAsync(Patience);

        Assert.Contains("report.bin", atQuarter);
        Assert.Contains("25%", atQuarter);
        Assert.Contains("ETA", atQuarter);
        Assert.DoesNotContain("100%", atQuarter);
        Assert.Equal(UploadState.Completed, end!.State);
        Assert.Contains("100%", console.Output);
        Assert.Contains("completed", console.Output);
    }

    private static async Task PatchAsync(HttpClient http, Uri location, long offset, byte[] chunk)
    {
        using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(chunk) };
        patch.Headers.Add("Tus-Resumable", "1.0.0");
        patch.Headers.Add("Upload-Offset", offset.ToString());
        patch.Content.Headers.ContentType = new("application/offset+octet-stream");
        using var answer = await http.SendAsync(patch);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
    }
}
