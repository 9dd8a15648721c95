using OrleansUploads.Client;
using OrleansUploads.Tests.Access;

namespace OrleansUploads.Tests.Client;

/// <summary>With authentication on, the client's token provider signs its HTTP requests and its hub connection.</summary>
public sealed class TokenProviderTests(AccessFixture access) : IClassFixture<AccessFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _folder = Directory.CreateDirectory(DataFolder.New("orleans-uploads-client-tests")).FullName;

    [Fact]
    public async Task The_token_provider_is_asked_for_http_and_the_hub()
    {
        var token = AccessFixture.Token("client-" + Guid.NewGuid().ToString("N"));
        var asked = 0;
        using var client = ClientServiceFixture.ClientOf(access.Service, token: _ =>
        {
            Interlocked.Increment(ref asked);
            return ValueTask.FromResult<string?>(token);
        });
        var path = Path.Combine(_folder, "signed.bin");
        await File.WriteAllBytesAsync(path, new byte[50_000]);

        using var upload = await client.StartFileUploadAsync(path);
        var askedBeforeWatch = asked;
        var watched = client.WatchAsync(upload.Id).ToListAsync().AsTask();
        await upload.SendAsync().WaitAsync(Patience);
        var statuses = await watched.WaitAsync(Patience);
        var listed = await client.ListAsync().ToListAsync();

        Assert.Equal(UploadState.Completed, statuses[^1].State);
        Assert.Contains("client-", statuses[^1].Owner);
        Assert.True(asked > askedBeforeWatch + 1, $"asked {asked} times, {askedBeforeWatch} before the watch");
        Assert.Empty(listed);
    }

    [Fact]
    public async Task Without_a_token_every_operation_is_unauthorized()
    {
        using var client = ClientServiceFixture.ClientOf(access.Service);
        var path = Path.Combine(_folder, "unsigned.bin");
        await File.WriteAllBytesAsync(path, new byte[10]);

        var errors = new[]
        {
            await Assert.ThrowsAsync<UploadsException>(() => client.StartFileUploadAsync(path)),
            await Assert.ThrowsAsync<UploadsException>(() => client.GetStatusAsync(Guid.NewGuid().ToString("N"))),
            await Assert.ThrowsAsync<UploadsException>(() => client.ListAsync().ToListAsync().AsTask()),
            await Assert.ThrowsAsync<UploadsException>(() => client.WatchAsync(Guid.NewGuid().ToString("N")).ToListAsync().AsTask()),
        };

        Assert.All(errors, e => Assert.Equal(UploadsError.Unauthorized, e.Error));
    }

    public void Dispose() => DataFolder.Delete(_folder);
}
