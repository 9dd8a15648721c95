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

    [Fact]
    public async Task Entries_of_the_earlier_form_a_bare_upload_url_are_still_found_without_a_sha256()
    {
        var path = fixture.NewPath();
        await File.WriteAllTextAsync(path, """{"old":"http://127.0.0.1/api/uploads/one"}""");
        var store = new FileResumeStore(path);

        await store.SaveAsync("new", new ResumeEntry(new Uri("http://127.0.0.1/api/uploads/two"), new string('0', 64)));

        Assert.Equal(new ResumeEntry(new Uri("http://127.0.0.1/api/uploads/one"), null), await store.FindAsync("old"));
        Assert.Equal(new string('0', 64), (await store.FindAsync("new"))?.Sha256);
    }
}
