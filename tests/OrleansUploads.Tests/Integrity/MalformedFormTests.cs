using System.Net;
using System.Net.Http.Headers;
using OrleansUploads.Tests.Infrastructure;

namespace OrleansUploads.Tests.Integrity;

/// <summary>A form that cannot be read as one gets 400 with a message, never a bare 500.</summary>
[Collection(ServiceCollection.Name)]
public sealed class MalformedFormTests(ServiceFixture fixture)
{
    private const string Boundary = "b0undary";
    private readonly HttpClient _client = fixture.CreateClient();

    public static TheoryData<string, string> MalformedParts => new()
    {
        { "too many part headers", string.Join("\r\n", Enumerable.Range(0, 20).Select(i => $"X-Extra-{i}: {i}")) },
        { "a part header past the reader's limit", "X-Long: " + new string('a', 20_000) },
    };

    [Theory]
    [MemberData(nameof(MalformedParts))]
    public async Task A_form_whose_parts_cannot_be_read_is_400(string what, string extraHeaders)
    {
        var body = $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n{extraHeaders}\r\n\r\nhello\r\n--{Boundary}--\r\n";
        var content = new StringContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");

        using var response = await _client.PostAsync("/api/uploads", content);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode}");
        Assert.Contains("malformed", await response.Content.ReadAsStringAsync());
    }
}
