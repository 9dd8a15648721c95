using System.Net.Http.Json;
using System.Text.Json;
using OrleansUploads.Tests.Infrastructure;

namespace OrleansUploads.Tests.Api;

/// <summary>The OpenAPI document describes the plain JSON endpoints a client may script against.</summary>
[Collection(ServiceCollection.Name)]
public sealed class OpenApiTests(ServiceFixture fixture)
{
    [Fact]
    public async Task The_document_describes_status_list_cancel_and_download_and_leaves_the_protocols_to_their_specifications()
    {
        using var client = fixture.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        var operations = paths.EnumerateObject().SelectMany(path => path.Value.EnumerateObject().Select(operation => $"{operation.Name} {path.Name}")).Order().ToList();
        Assert.Equal(["delete /api/uploads/{id}", "get /api/uploads", "get /api/uploads/{id}", "get /api/uploads/{id}/content", "head /api/uploads/{id}/content"],
            operations.Where(operation => operation.Contains("/api/uploads")));
        var status = paths.GetProperty("/api/uploads/{id}").GetProperty("get").GetProperty("responses").GetProperty("200");
        Assert.True(status.GetProperty("content").TryGetProperty("application/json", out _));
        var limit = paths.GetProperty("/api/uploads").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(parameter => parameter.GetProperty("name").GetString() == "limit").GetProperty("schema");
        Assert.Equal("integer", limit.GetProperty("type").GetString());
        Assert.Equal(1, limit.GetProperty("minimum").GetInt32());
        Assert.Equal(1000, limit.GetProperty("maximum").GetInt32());
    }
}
