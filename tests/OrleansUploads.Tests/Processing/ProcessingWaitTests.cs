using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Processing;

/// <summary>Processing that outlasts the last request's wait: the request answers at once, and the upload still completes.</summary>
public sealed class ProcessingWaitTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private UploadService? _service;

    private UploadService Service => _service!;

    public async Task InitializeAsync() => _service = await UploadService.StartAsync("--Uploads:ProcessingWait=00:00:00");

    [Fact]
    public async Task A_form_upload_whose_processing_outlasts_the_wait_is_created_and_then_completes()
    {
        using var client = Service.CreateClient();
        var data = RandomBytes(3000);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(data), "file", "notes.bin" } };

        using var response = await client.PostAsync("/api/uploads", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        var status = await Eventually.UntilAsync(() => client.StatusAsync(location), s => s.State is "completed" or "failed", Patience, "the processing to end");
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
    }

    [Fact]
    public async Task A_creation_with_upload_whose_processing_outlasts_the_wait_is_created()
    {
        using var client = Service.CreateClient();
        using var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", "100");
        request.Content = new ByteArrayContent(RandomBytes(100));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("100", response.Headers.GetValues("Upload-Offset").Single());
        await Eventually.UntilAsync(() => client.StatusAsync(response.Headers.Location!.ToString()), s => s.State == "completed", Patience, "the completion");
    }

    public async Task DisposeAsync() => await Service.DisposeAsync();
}
