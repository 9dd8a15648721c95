using OrleansUploads.Client;

namespace OrleansUploads.Tests.Client;

/// <summary>The service address is its root, behind a path base or not, with or without a trailing slash; every endpoint is below it.</summary>
public sealed class ServiceAddressTests
{
    [Theory]
    [InlineData("http://host:5000", "http://host:5000/")]
    [InlineData("http://host:5000/", "http://host:5000/")]
    [InlineData("http://host/api", "http://host/api/")]
    [InlineData("https://host/files/uploads-service/", "https://host/files/uploads-service/")]
    [InlineData("http://host/base?x=1#top", "http://host/base/")]
    public void Every_endpoint_is_below_the_root_the_address_names(string server, string root)
    {
        var address = new ServiceAddress(new Uri(server));

        Assert.Equal(
            (root, root + "api/uploads", root + "hubs/uploads", root + "api/uploads/01ab", root + "api/uploads/01ab/content", root + "api/uploads?state=active&limit=10"),
            (address.Root.AbsoluteUri, address.Uploads.AbsoluteUri, address.Hub.AbsoluteUri, address.Upload("01ab").AbsoluteUri, address.Content("01ab").AbsoluteUri,
                address.ActiveUploads(10).AbsoluteUri));
    }

    [Fact]
    public void The_urls_the_service_answers_with_keep_the_path_base_it_writes_into_them()
    {
        var address = new ServiceAddress(new Uri("http://host/base"));

        Assert.Equal("http://host/base/api/uploads/01ab", address.Resolve("/base/api/uploads/01ab").AbsoluteUri);
        Assert.Equal("http://host/base/api/uploads/01ab", address.Resolve(new Uri("http://host/base/api/uploads/01ab")).AbsoluteUri);
        Assert.Equal("http://host/base/api/uploads/01ab", address.Upload("http://host/base/api/uploads/01ab").AbsoluteUri);
    }

    [Fact]
    public void A_client_builds_its_urls_from_the_address_it_is_given()
    {
        using var client = new UploadsClient(new UploadsClientOptions { Server = new Uri("http://host/base") });

        Assert.Equal(("http://host/base/", "http://host/base/api/uploads"), (client.Server.AbsoluteUri, client.Address.Uploads.AbsoluteUri));
    }
}
