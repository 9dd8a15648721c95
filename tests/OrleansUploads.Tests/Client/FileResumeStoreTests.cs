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

    [Fact]
    public async Task A_bad_entry_costs_only_its_own_file_and_the_other_files_stay_resumable()
    {
        var path = fixture.NewPath();
        await File.WriteAllTextAsync(path, """{"good":{"Upload":"http://127.0.0.1/api/uploads/one","Sha256":null},"no-url":{"Sha256":null},"bad-url":"::not a url::","odd":42}""");
        var store = new FileResumeStore(path);

        await store.SaveAsync("new", new ResumeEntry(new Uri("http://127.0.0.1/api/uploads/two"), null));

        Assert.Equal(new Uri("http://127.0.0.1/api/uploads/one"), (await store.FindAsync("good"))?.Upload);
        Assert.Null(await store.FindAsync("no-url"));
        Assert.Null(await store.FindAsync("odd"));
        Assert.NotNull(await store.FindAsync("new"));
    }

    [Fact]
    public async Task A_state_file_that_is_not_json_is_kept_aside_before_it_is_written_anew()
    {
        var path = fixture.NewPath();
        await File.WriteAllTextAsync(path, "{ not json");
        var store = new FileResumeStore(path);

        await store.SaveAsync("new", new ResumeEntry(new Uri("http://127.0.0.1/api/uploads/two"), null));

        Assert.Equal("{ not json", await File.ReadAllTextAsync(path + ".damaged"));
        Assert.NotNull(await store.FindAsync("new"));
    }

    [Fact]
    public async Task Completed_entries_are_dropped_when_too_old_or_too_many_and_unfinished_ones_never()
    {
        var store = new FileResumeStore(fixture.NewPath()) { KeepCompletedFor = TimeSpan.FromDays(1), MaxCompleted = 2 };
        var now = DateTimeOffset.UtcNow;
        ResumeEntry Entry(DateTimeOffset? completed) => new(new Uri("http://127.0.0.1/api/uploads/" + Guid.NewGuid().ToString("N")), new string('0', 64), completed);

        await store.SaveAsync("unfinished", Entry(null));
        await store.SaveAsync("too-old", Entry(now.AddDays(-2)));
        await store.SaveAsync("older", Entry(now.AddMinutes(-3)));
        await store.SaveAsync("newer", Entry(now.AddMinutes(-2)));
        await store.SaveAsync("newest", Entry(now.AddMinutes(-1)));

        var kept = new Dictionary<string, bool>();
        foreach (var name in new[] { "unfinished", "too-old", "older", "newer", "newest" })
        {
            kept[name] = await store.FindAsync(name) is not null;
        }

        Assert.Equal(new Dictionary<string, bool> { ["unfinished"] = true, ["too-old"] = false, ["older"] = false, ["newer"] = true, ["newest"] = true }, kept);
    }
}
