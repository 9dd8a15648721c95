using System.Net;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Cluster;

/// <summary>
/// While no silo can answer for an upload, HEAD answers 423 with Retry-After once its bounded wait is
/// over: tus clients retry a 423, but take any 5xx or 404 for a lost upload and start the file over.
/// </summary>
public sealed class FailoverAnswerTests
{
    [Fact]
    public async Task Head_while_the_cluster_cannot_answer_is_423_with_retry_after()
    {
        await using var silo = await SiloProcess.StartAsync();
        await using var api = await UploadService.StartClientAsync(silo, "--Cluster:FailoverWait=00:00:02", "--Cluster:ResponseTimeout=00:00:02");
        using var client = api.CreateClient();
        var location = await client.CreateAsync(100);

        await silo.KillAsync();
        using var head = await client.SendAsync(Tus(HttpMethod.Head, location));

        Assert.Equal((HttpStatusCode)423, head.StatusCode);
        Assert.NotNull(head.Headers.RetryAfter);
        Assert.Equal("1.0.0", head.Headers.GetValues("Tus-Resumable").Single());
    }
}
