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

    [Fact]
    public async Task A_form_that_is_not_multipart_is_told_what_a_form_upload_is()
    {
        // As `curl -d hello` sends it.
        using var response = await _client.PostAsync("/api/uploads", new FormUrlEncodedContent([new("hello", "")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("A form upload is multipart/form-data with a file part; this request is application/x-www-form-urlencoded.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_form_whose_file_ends_before_its_closing_boundary_is_400_and_nothing_of_it_is_kept()
    {
        var body = $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\nhello, and no closing boundary";
        var content = new StringContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");

        using var response = await _client.PostAsync("/api/uploads", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The file did not arrive whole; nothing of it was kept. Send the form again.", await response.Content.ReadAsStringAsync());
    }
}
