using OrleansUploads.Tests.Infrastructure;

namespace OrleansUploads.Tests.Access;

[Collection(ServiceCollection.Name)]
public sealed class AnonymousModeTests(ServiceFixture fixture)
{
    [Fact]
    public void Without_authentication_configured_the_service_says_so_at_start_up() =>
        Assert.Contains("Authentication is not configured", fixture.Service.Output);
}
