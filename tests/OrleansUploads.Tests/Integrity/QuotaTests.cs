using System.Net;
using System.Net.Sockets;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>Without authentication every caller is one owner, but the limit on unfinished uploads counts per client address.</summary>
public sealed class QuotaTests
{
    [Fact]
    public async Task Anonymous_clients_at_other_addresses_do_not_share_the_unfinished_upload_limit()
    {
        await using var service = await UploadService.StartAsync("--Limits:MaxActiveUploadsPerOwner=2");
        using var first = service.CreateClient();
        using var second = ClientFrom(service, "127.0.0.2");
        await first.CreateAsync(10);
        await first.CreateAsync(10);

        using var refused = await first.SendAsync(Create(10));
        using var other = await second.SendAsync(Create(10));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    private static HttpRequestMessage Create(long length)
    {
        var request = Tus(HttpMethod.Post, "/api/uploads");
        request.Headers.Add("Upload-Length", length.ToString());
        return request;
    }

    /// <summary>A client whose connections come from another loopback address, as another machine's would.</summary>
    private static HttpClient ClientFrom(UploadService service, string address) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
            await socket.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    { BaseAddress = service.BaseAddress };
}
