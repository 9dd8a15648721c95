using System.Net;
using OrleansUploads.Tests.Infrastructure;
using Xunit.Abstractions;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Cluster;

/// <summary>
/// SIGTERM, as an orchestrator stops an instance: the API stops taking uploads (503 with
/// <c>Retry-After</c>, and <c>/readyz</c> says so), lets the bodies in flight finish up to its drain
/// timeout, records their offsets and exits; a silo leaves the cluster and hands its grains over. The
/// client finishes through another instance and no acknowledged byte is lost.
/// </summary>
public sealed class DrainTests(ITestOutputHelper output)
{
    private const int Part = 1 << 20;
    private const string Origin = "https://app.example";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_terminated_api_refuses_new_uploads_lets_the_body_in_flight_finish_and_the_client_finishes_through_another()
    {
        await using var cluster = await UploadCluster.StartAsync(silos: 1, apis: 2,
            apiSettings: ["--Uploads:DrainTimeout=00:00:30", $"--Limits:AllowedOrigins:0={Origin}"]);
        await RunAsync(cluster, async () =>
        {
            var (leaving, staying) = (cluster.Apis[0], cluster.Apis[1]);
            using var first = leaving.CreateClient();
            using var second = staying.CreateClient();
            var file = RandomBytes(3 * Part);
            var (location, patch) = await StalledAfterFirstPartAsync(first, leaving, second, file, contentLength: 2 * Part);
            await using var _ = patch;

            await TerminateUntilNotReadyAsync(leaving, first);
            using var creation = Tus(HttpMethod.Post, "/api/uploads");
            creation.Headers.Add("Upload-Length", "10");
            creation.Headers.Add("Origin", Origin);
            using var refused = await first.SendAsync(creation);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            // A page on another origin can read the answer (and its Retry-After), not just a network error.
            Assert.Equal(Origin, refused.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.False(leaving.Exited.IsCompleted, "The instance must wait for the body in flight.");

            await patch.SendAsync(file.AsMemory(Part, Part));
            var (statusCode, headers) = await patch.ResponseAsync(Patience);
            Assert.Equal(204, statusCode);
            Assert.Equal((2 * Part).ToString(), headers["upload-offset"]);
            await leaving.Exited.WaitAsync(Patience);
            Assert.Equal(0, leaving.ExitCode);
            // A drain is how an instance is meant to leave: nothing of it is logged as an error.
            Assert.DoesNotContain("fail: ", leaving.Output);

            await FinishThroughAsync(second, location, file);
        });
    }

    [Fact]
    public async Task A_body_still_arriving_at_the_drain_timeout_is_cut_with_503_and_its_stored_bytes_kept()
    {
        await using var cluster = await UploadCluster.StartAsync(silos: 1, apis: 2, apiSettings: ["--Uploads:DrainTimeout=00:00:02"]);
        await RunAsync(cluster, async () =>
        {
            var (leaving, staying) = (cluster.Apis[0], cluster.Apis[1]);
            using var first = leaving.CreateClient();
            using var second = staying.CreateClient();
            var file = RandomBytes(3 * Part);
            var (location, patch) = await StalledAfterFirstPartAsync(first, leaving, second, file, contentLength: file.Length);
            await using var _ = patch;

            await leaving.TerminateAsync();
            var (statusCode, headers) = await patch.ResponseAsync(Patience);
            Assert.Equal(503, statusCode);
            Assert.True(headers.ContainsKey("retry-after"));
            Assert.Equal(Part.ToString(), headers["upload-offset"]);
            await leaving.Exited.WaitAsync(Patience);
            Assert.Equal(0, leaving.ExitCode);

            await FinishThroughAsync(second, location, file);
        });
    }

    [Fact]
    public async Task A_body_that_completes_its_upload_during_the_drain_is_processed_and_answered_with_the_outcome()
    {
        await using var cluster = await UploadCluster.StartAsync(silos: 1, apis: 2, apiSettings: ["--Uploads:DrainTimeout=00:00:30"]);
        await RunAsync(cluster, async () =>
        {
            var (leaving, staying) = (cluster.Apis[0], cluster.Apis[1]);
            using var first = leaving.CreateClient();
            using var second = staying.CreateClient();
            var file = RandomBytes(2 * Part);
            // A declared SHA-256 makes processing run a stage after the last byte.
            var (location, patch) = await StalledAfterFirstPartAsync(first, leaving, second, file, contentLength: file.Length, Metadata(("sha256", Sha256(file))));
            await using var _ = patch;

            await TerminateUntilNotReadyAsync(leaving, first);
            await patch.SendAsync(file.AsMemory(Part));
            var (statusCode, headers) = await patch.ResponseAsync(Patience);

            // Processing went on during the drain, so the request that stored the last byte tells how it ended.
            Assert.Equal((204, "completed"), (statusCode, headers["upload-state"]));
            await leaving.Exited.WaitAsync(Patience);
            Assert.Equal(("completed", Sha256(file)), ((await second.StatusAsync(location)).State, (await second.StatusAsync(location)).Sha256));
        });
    }

    [Fact]
    public async Task A_lease_handed_over_to_a_writer_that_died_meanwhile_ends_and_the_upload_shows_paused()
    {
        await using var cluster = await UploadCluster.StartAsync(silos: 2, apis: 2);
        await RunAsync(cluster, async () =>
        {
            var (writing, watching) = (cluster.Apis[0], cluster.Apis[1]);
            using var client = watching.CreateClient();
            var file = RandomBytes(2 * Part);
            var (location, patch) = await StalledAfterFirstPartAsync(client, writing, client, file, contentLength: file.Length);
            await using var _ = patch;

            var host = await cluster.HostOfAsync(IdOf(location));
            await host.TerminateAsync();
            await host.Exited.WaitAsync(Patience);
            await writing.KillAsync();

            // The next activation takes the handed-over lease, finds its writer gone, and lets go of it.
            var paused = await Eventually.UntilAsync(() => client.StatusAsync(location), status => status.State == "paused", Patience, "the upload to show paused");
            Assert.Equal(Part, paused.BytesReceived);
            using var rest = await client.PatchAsync(location, Part, file[Part..]);
            Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
            Assert.Equal(Sha256(file), (await client.StatusAsync(location)).Sha256);
        });
    }

    [Fact]
    public async Task Tus_js_client_behind_a_load_balancer_finishes_the_same_upload_when_the_instance_it_uses_is_terminated()
    {
        await using var cluster = await UploadCluster.StartAsync(silos: 1, apis: 2);
        await using var balancer = await RoundRobinProxy.StartAsync([.. cluster.Apis.Select(api => api.BaseAddress)]);
        var folder = Directory.CreateTempSubdirectory("drain-").FullName;
        try
        {
            await RunAsync(cluster, async () =>
            {
                var data = RandomBytes(12 * Part);
                var path = Path.Combine(folder, "drained.bin");
                await File.WriteAllBytesAsync(path, data);
                using var node = NodeScript.Start("tus-cluster.mjs", new Uri(balancer.BaseAddress, "/api/uploads").ToString(), path, Part.ToString(), "100");
                var id = IdOf((await node.EventAsync("created", Patience)).GetProperty("url").GetString()!);
                await node.LineAsync(line => line.GetProperty("event").GetString() == "chunk" && line.GetProperty("sent").GetInt64() >= 3 * Part, Patience);

                var leaving = cluster.Apis[0];
                await leaving.TerminateAsync();
                var outcome = await node.FinishAsync(Patience);
                await leaving.Exited.WaitAsync(Patience);

                // The same upload to the end: never started over under a new id.
                Assert.Equal(("done", id), (outcome.GetProperty("event").GetString(), IdOf(outcome.GetProperty("url").GetString()!)));
                Assert.Equal(0, leaving.ExitCode);
                output.WriteLine($"tus-js-client retried {outcome.GetProperty("retries").GetInt32()} time(s)");
                using var client = cluster.Apis[1].CreateClient();
                var status = await client.StatusAsync($"/api/uploads/{id}");
                Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
                Assert.Equal(data, await File.ReadAllBytesAsync(cluster.Apis[1].StoredFile(id)));
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_terminated_silo_hands_its_uploads_over_while_their_bodies_keep_arriving()
    {
        await using var cluster = await UploadCluster.StartAsync(silos: 2, apis: 1);
        await RunAsync(cluster, async () =>
        {
            var api = cluster.Apis[0];
            using var client = api.CreateClient();
            var file = RandomBytes(2 * Part);
            var (location, patch) = await StalledAfterFirstPartAsync(client, api, client, file, contentLength: file.Length);
            await using var _ = patch;

            var host = await cluster.HostOfAsync(IdOf(location));
            await host.TerminateAsync();
            await host.Exited.WaitAsync(Patience);
            Assert.Equal(0, host.ExitCode);

            // The same request goes on: its reports reach the upload's grain on the silo that remains.
            await patch.SendAsync(file.AsMemory(Part));
            var (statusCode, headers) = await patch.ResponseAsync(Patience);
            Assert.Equal(204, statusCode);
            Assert.Equal(file.Length.ToString(), headers["upload-offset"]);
            var status = await client.StatusAsync(location);
            Assert.Equal("completed", status.State);
            Assert.Equal(Sha256(file), status.Sha256);
        });
    }

    /// <summary>
    /// Creates an upload of <paramref name="file"/> and starts a PATCH of <paramref name="contentLength"/>
    /// bytes through <paramref name="through"/> that stalls after its first part, once <paramref name="observer"/>
    /// finds that part stored.
    /// </summary>
    private static async Task<(string Location, StalledPatch Patch)> StalledAfterFirstPartAsync(
        HttpClient creator, UploadService through, HttpClient observer, byte[] file, long contentLength, string? metadata = null)
    {
        var location = await creator.CreateAsync(file.Length, metadata);
        var patch = await StalledPatch.StartAsync(through.BaseAddress, location, 0, contentLength, file.AsMemory(0, Part));
        await Eventually.UntilAsync(() => observer.OffsetAsync(location), offset => offset == Part, Patience, "the first part to be stored");
        return (location, patch);
    }

    /// <summary>SIGTERM, then waits until the instance says it is leaving (it drains now).</summary>
    private static async Task TerminateUntilNotReadyAsync(UploadService leaving, HttpClient client)
    {
        await leaving.TerminateAsync();
        await Eventually.UntilAsync(() => ReadinessAsync(client), status => status == HttpStatusCode.ServiceUnavailable, Patience, "/readyz to say the instance is leaving");
    }

    /// <summary>Resumes from the offset the other instance reports and checks the whole file arrived.</summary>
    private static async Task FinishThroughAsync(HttpClient client, string location, byte[] file)
    {
        var offset = await client.OffsetAsync(location);
        using var rest = await client.PatchAsync(location, offset, file[(int)offset..]);
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        var status = await client.StatusAsync(location);
        Assert.Equal("completed", status.State);
        Assert.Equal(Sha256(file), status.Sha256);
    }

    private static async Task<HttpStatusCode> ReadinessAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync("/readyz");
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // Not listening (any more): not the answer a draining instance must give.
            return 0;
        }
    }

    /// <summary>On failure, what each process logged, to line up with the test's steps.</summary>
    private async Task RunAsync(UploadCluster cluster, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception)
        {
            foreach (var api in cluster.Apis)
            {
                output.WriteLine($"--- API on {api.HttpPort}\n{api.Output}");
            }

            foreach (var silo in cluster.Silos)
            {
                output.WriteLine($"--- silo on {silo.SiloPort}\n{silo.Output}");
            }

            throw;
        }
    }
}
