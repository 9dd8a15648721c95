using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansUploads.Tests.Infrastructure;

namespace OrleansUploads.Tests.Api;

/// <summary>The README's example of the status JSON names every field the service answers with, and no other.</summary>
[Collection(ServiceCollection.Name)]
public sealed partial class StatusDocumentationTests(ServiceFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task The_readmes_status_example_has_the_fields_of_a_real_status()
    {
        var location = await _client.CreateAsync(10);
        using var answered = JsonDocument.Parse(await _client.GetStringAsync(location));

        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "README.md"));
        using var documented = JsonDocument.Parse(StatusExample().Match(readme).Groups[1].Value);

        Assert.Empty(Fields(answered).Except(Fields(documented)));
        Assert.Empty(Fields(documented).Except(Fields(answered)));
    }

    private static IEnumerable<string> Fields(JsonDocument status) => status.RootElement.EnumerateObject().Select(field => field.Name);

    [GeneratedRegex(@"### The status JSON\s+```json\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex StatusExample();
}
