using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Api;

/// <summary>
/// A request answered before its body ended (its writer was stopped) leaves the body reader as Kestrel
/// expects, so Kestrel can drain the rest of the body without an error of its own.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class AnsweredMidBodyTests(ServiceFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task A_writer_stopped_mid_body_is_answered_and_its_connection_closed_without_a_server_error()
    {
        var data = RandomBytes(4 << 20);
        var location = await _client.CreateAsync(data.Length);
        await using var first = await StalledPatch.StartAsync(fixture.Service.BaseAddress, location, 0, data.Length, data.AsMemory(0, 1 << 20));
        await Eventually.UntilAsync(() => _client.StatusAsync(location), s => s.BytesReceived == 1 << 20, Patience, "the first bytes to be committed");

        using var second = await _client.PatchAsync(location, 1 << 20, data[(1 << 20)..]);
        Assert.Equal(409, await first.StatusCodeAsync(Patience));
        await first.ClosedAsync(Patience);

        Assert.Equal("completed", (await _client.StatusAsync(location)).State);
        Assert.DoesNotContain("Reading is already in progress", fixture.Service.Output);
    }
}
