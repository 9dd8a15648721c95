using OrleansUploads.Client;

namespace OrleansUploads.Tests.Client;

/// <summary>The state file that <c>uploads send</c> resumes from, shared by every send on the machine.</summary>
[Collection(ClientCollection.Name)]
public sealed class FileResumeStoreTests(ClientServiceFixture fixture)
{
    [Fact]
    public async Task Two_stores_on_one_file_lose_none_of_each_others_entries()
    {
        // Two stores on one path are what two `uploads send` processes have: no lock in memory is shared.
        var path = fixture.NewPath();
        var stores = new[] { new FileResumeStore(path), new FileResumeStore(path) };
        var upload = new ResumeEntry(new Uri("http://127.0.0.1/api/uploads/one"), new string('0', 64));

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => stores[i % 2].SaveAsync($"file-{i}", upload).AsTask())));

        var found = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => stores[0].FindAsync($"file-{i}").AsTask()));
        Assert.All(found, Assert.NotNull);
    }
}
