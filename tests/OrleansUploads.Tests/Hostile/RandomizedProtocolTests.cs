using System.Net;
using System.Security.Cryptography;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Hostile;

/// <summary>
/// Thousands of seeded random requests, right and wrong, against a few live uploads. Whatever the
/// sequence: no 5xx, offsets never go back, stored length always equals the committed offset, and
/// every upload that completes holds exactly its source bytes.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class RandomizedProtocolTests(ServiceFixture fixture)
{
    private const int Requests = 3000;
    private const int UploadSize = 48 << 10;

    [Theory]
    [InlineData(20261124)]
    public async Task Random_traffic_keeps_every_invariant(int seed)
    {
        var random = new Random(seed);
        using var client = fixture.CreateClient();
        var uploads = new List<Upload>();
        for (var made = 0; made < 6; made++)
        {
            uploads.Add(await NewUploadAsync(client, random));
        }

        for (var step = 0; step < Requests; step++)
        {
            var upload = uploads[random.Next(uploads.Count)];
            using var response = await client.SendAsync(NextRequest(upload, random));
            Assert.True((int)response.StatusCode < 500, $"step {step}: {response.RequestMessage!.Method} answered {(int)response.StatusCode}");

            if (upload.Cancelled)
            {
                uploads[uploads.IndexOf(upload)] = await NewUploadAsync(client, random);
                continue;
            }

            var status = await client.StatusAsync(upload.Location);
            Assert.True(status.BytesReceived >= upload.Offset, $"step {step}: offset went back from {upload.Offset} to {status.BytesReceived}");
            upload.Offset = status.BytesReceived;
            Assert.Equal(status.BytesReceived, new FileInfo(fixture.Service.StoredFile(IdOf(upload.Location))).Length);
            if (status.State == "completed")
            {
                Assert.Equal(Sha256(upload.Source), status.Sha256);
                uploads[uploads.IndexOf(upload)] = await NewUploadAsync(client, random);
            }
        }
    }

    private static HttpRequestMessage NextRequest(Upload upload, Random random)
    {
        var remaining = UploadSize - (int)upload.Offset;
        var length = Math.Min(remaining, random.Next(1, 8 << 10));
        var chunk = upload.Source.AsMemory((int)upload.Offset, length).ToArray();
        switch (random.Next(10))
        {
            case 0:
                return Tus(HttpMethod.Head, upload.Location);
            case 1:
                // An offset that is not the committed one.
                return Patch(upload.Location, upload.Offset + random.Next(1, 100) * (random.Next(2) == 0 ? -1 : 1), chunk);
            case 2:
                // A chunk with a checksum that is right or wrong.
                var request = Patch(upload.Location, upload.Offset, chunk);
                var digest = random.Next(2) == 0 ? SHA1.HashData(chunk) : RandomBytes(20);
                request.Headers.Add("Upload-Checksum", "sha1 " + Convert.ToBase64String(digest));
                return request;
            case 3:
                // A body running past the declared size.
                return Patch(upload.Location, upload.Offset, RandomBytes(remaining + random.Next(1, 100)));
            case 4:
                var junk = Patch(upload.Location, upload.Offset, chunk);
                junk.Headers.Remove("Tus-Resumable");
                return junk;
            case 5 when random.Next(20) == 0:
                upload.Cancelled = true;
                return Tus(HttpMethod.Delete, upload.Location);
            default:
                return Patch(upload.Location, upload.Offset, chunk);
        }
    }

    private static HttpRequestMessage Patch(string location, long offset, byte[] body) =>
        TusRequests.Patch(location, Math.Max(0, offset), new ByteArrayContent(body));

    private static async Task<Upload> NewUploadAsync(HttpClient client, Random random)
    {
        var source = new byte[UploadSize];
        random.NextBytes(source);
        return new Upload(await client.CreateAsync(UploadSize), source);
    }

    private sealed class Upload(string location, byte[] source)
    {
        public string Location { get; } = location;
        public byte[] Source { get; } = source;
        public long Offset { get; set; }
        public bool Cancelled { get; set; }
    }
}
