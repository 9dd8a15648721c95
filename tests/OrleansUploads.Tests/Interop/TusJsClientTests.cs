using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Interop;

/// <summary>The service driven by tus-js-client, a client nobody here wrote, run by Node.</summary>
[Collection(ServiceCollection.Name)]
public sealed class TusJsClientTests(ServiceFixture fixture)
{
    /// <param name="protocol">tus-js-client's <c>protocol</c>: tus, or its modes of the IETF draft (interop versions 5 and 6).</param>
    [Theory]
    [InlineData("tus-v1")]
    [InlineData("ietf-draft-05")]
    [InlineData("ietf-draft-03")]
    public async Task Tus_js_client_uploads_aborts_half_way_resumes_and_finishes_byte_identical(string protocol)
    {
        var data = RandomBytes(6 << 20);
        var file = Path.Combine(Path.GetTempPath(), $"tus-source-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, data);
        try
        {
            using var node = NodeScript.Start("tus-resume.mjs", new Uri(fixture.Service.BaseAddress, "/api/uploads").ToString(), file, protocol);
            var report = await node.FinishAsync(TimeSpan.FromSeconds(60));

            var abortedAt = report.GetProperty("abortedAt").GetInt64();
            var resumedFrom = report.GetProperty("resumedFrom").GetInt64();
            Assert.InRange(abortedAt, data.Length / 2, data.Length - 1);
            Assert.Equal(abortedAt, resumedFrom);
            using var client = fixture.CreateClient();
            var location = new Uri(report.GetProperty("url").GetString()!).AbsolutePath;
            var status = await client.StatusAsync(location);
            Assert.Equal(("completed", Sha256(data), Path.GetFileName(file), "application/octet-stream"), (status.State, status.Sha256, status.FileName, status.ContentType));
            Assert.Equal(data, await File.ReadAllBytesAsync(fixture.Service.StoredFile(IdOf(location))));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
