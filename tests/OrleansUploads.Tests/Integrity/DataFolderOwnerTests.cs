using System.Net;
using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Integrity;

/// <summary>
/// One process owns a data folder's embedded grain state: grains of many uploads share its shelves, so
/// a second service started on the same folder (a second `dotnet run` with another port, say) would
/// write over the first one's uploads. It stops before serving, saying why, and the first goes on.
/// </summary>
public sealed class DataFolderOwnerTests
{
    [Fact]
    public async Task A_second_service_on_the_same_data_folder_stops_and_the_first_goes_on()
    {
        await using var owner = await UploadService.StartAsync();
        using var client = owner.CreateClient();
        var data = RandomBytes(20_000);
        var location = await client.CreateAsync(data.Length);
        using (var first = await client.PatchAsync(location, 0, data[..10_000]))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        // Disposed at once should it start after all, so a failing run leaves no second service behind.
        var refused = await Record.ExceptionAsync(async () => await (await UploadService.StartInAsync(owner.DataPath)).DisposeAsync());
        AssertStoppedSayingSo("Service", Assert.IsType<InvalidOperationException>(refused).Message);

        Assert.Equal(10_000, await client.OffsetAsync(location));
        using (var rest = await client.PatchAsync(location, 10_000, data[10_000..]))
        {
            Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        }

        var status = await client.StatusAsync(location);
        Assert.Equal(("completed", Sha256(data)), (status.State, status.Sha256));
    }

    [Fact]
    public async Task A_silo_host_on_a_data_folder_another_process_owns_stops_saying_so()
    {
        await using var owner = await UploadService.StartAsync();

        var refused = await Record.ExceptionAsync(async () => await (await SiloProcess.StartAsync(owner.DataPath)).DisposeAsync());

        AssertStoppedSayingSo("The silo", Assert.IsType<InvalidOperationException>(refused).Message);
        using var client = owner.CreateClient();
        Assert.Equal(0, await client.OffsetAsync(await client.CreateAsync(10)));
    }

    [Fact]
    public async Task A_killed_owner_leaves_the_folder_to_the_next_service()
    {
        await using var owner = await UploadService.StartAsync();
        using var client = owner.CreateClient();
        var location = await client.CreateAsync(100);
        await owner.KillAsync();

        await using var next = await UploadService.StartInAsync(owner.DataPath);
        using var nextClient = next.CreateClient();
        Assert.Equal(0, await nextClient.OffsetAsync(location));
    }

    /// <summary>A stop, not a crash: exit code 1 and the one message, without a stack trace or the runtime's report of an unhandled exception.</summary>
    /// <param name="failure">What the start's failure said: who exited, with which code, and all the process wrote.</param>
    private static void AssertStoppedSayingSo(string who, string failure)
    {
        Assert.StartsWith($"{who} exited with code 1:", failure);
        Assert.Contains("Another process keeps its grain state in", failure);
        Assert.DoesNotContain("Unhandled exception", failure);
        Assert.DoesNotContain("   at ", failure);
    }
}
