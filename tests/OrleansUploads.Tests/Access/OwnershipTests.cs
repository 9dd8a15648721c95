using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Access;

/// <summary>With authentication on, nobody reads, watches, resumes or cancels someone else's upload.</summary>
public sealed class OwnershipTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private readonly string _alice = AccessFixture.Token("alice-" + Guid.NewGuid().ToString("N"));
    private readonly string _mallory = AccessFixture.Token("mallory-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Requests_without_a_valid_token_are_401_and_the_hub_refuses_them()
    {
        using var anonymous = fixture.ClientFor(null);
        using var forged = fixture.ClientFor(AccessFixture.Token("alice", key: "some other key that is also long enough for HMAC"));

        using var create = await anonymous.SendAsync(Tus(HttpMethod.Post, "/api/uploads"));
        using var list = await anonymous.GetAsync("/api/uploads");
        using var forgedList = await forged.GetAsync("/api/uploads");
        using var page = await anonymous.GetAsync("/");

        Assert.Equal(HttpStatusCode.Unauthorized, create.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, forgedList.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => Watcher.ConnectAsync(fixture.Service.BaseAddress));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Another_owner_gets_404_from_every_endpoint_and_the_owner_still_can_do_everything()
    {
        using var alice = fixture.ClientFor(_alice);
        using var mallory = fixture.ClientFor(_mallory);
        var data = RandomBytes(100);
        var location = await alice.CreateAsync(data.Length);
        await alice.PatchAsync(location, 0, data[..50]);

        using var head = await mallory.SendAsync(Tus(HttpMethod.Head, location));
        using var patch = await mallory.PatchAsync(location, 50, data[50..]);
        using var status = await mallory.GetAsync(location);
        using var content = await mallory.GetAsync(location + "/content");
        using var delete = await mallory.SendAsync(Tus(HttpMethod.Delete, location));
        var malloryList = await mallory.GetFromJsonAsync<UploadStatusView[]>("/api/uploads?state=active", Json);

        Assert.All(new[] { head, patch, status, content, delete }, response => Assert.Equal(HttpStatusCode.NotFound, response.StatusCode));
        Assert.DoesNotContain(malloryList!, s => s.Id == IdOf(location));
        Assert.Equal(50, await alice.OffsetAsync(location));
        Assert.Contains((await alice.GetFromJsonAsync<UploadStatusView[]>("/api/uploads?state=active", Json))!, s => s.Id == IdOf(location));
        using var finish = await alice.PatchAsync(location, 50, data[50..]);
        Assert.Equal(HttpStatusCode.NoContent, finish.StatusCode);
        Assert.Equal(data, await alice.GetByteArrayAsync(location + "/content"));
        using var otherContent = await mallory.GetAsync(location + "/content");
        Assert.Equal(HttpStatusCode.NotFound, otherContent.StatusCode);
    }

    [Fact]
    public async Task Another_owner_can_neither_watch_nor_cancel_through_the_hub()
    {
        using var alice = fixture.ClientFor(_alice);
        var location = await alice.CreateAsync(10);
        var id = IdOf(location);
        await using var owner = await Watcher.ConnectAsync(fixture.Service.BaseAddress, accessToken: _alice);
        await using var intruder = await Watcher.ConnectAsync(fixture.Service.BaseAddress, HttpTransportType.ServerSentEvents, _mallory);

        await Assert.ThrowsAsync<HubException>(() => intruder.WatchAsync(id));
        await Assert.ThrowsAsync<HubException>(() => intruder.Connection.InvokeAsync<UploadStatusView>("Cancel", id));
        Assert.Equal("created", (await owner.WatchAsync(id)).State);
        await alice.PatchAsync(location, 0, RandomBytes(10));

        await owner.NextAsync("UploadCompleted", id, TimeSpan.FromSeconds(20));
        Assert.Empty(intruder.Events(id));
    }

    [Fact]
    public async Task Members_of_one_tenant_share_uploads_and_other_tenants_do_not_see_them()
    {
        var tenant = "acme-" + Guid.NewGuid().ToString("N");
        using var ann = fixture.ClientFor(AccessFixture.Token("ann", tenant));
        using var bob = fixture.ClientFor(AccessFixture.Token("bob", tenant));
        using var outsider = fixture.ClientFor(AccessFixture.Token("ann", "globex-" + Guid.NewGuid().ToString("N")));
        var location = await ann.CreateAsync(10);

        using var colleague = await bob.PatchAsync(location, 0, RandomBytes(10));
        using var stranger = await outsider.GetAsync(location);

        Assert.Equal(HttpStatusCode.NoContent, colleague.StatusCode);
        Assert.Equal("completed", (await ann.StatusAsync(location)).State);
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
    }
}
