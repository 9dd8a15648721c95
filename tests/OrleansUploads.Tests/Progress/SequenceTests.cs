using OrleansUploads.Tests.Infrastructure;
using static OrleansUploads.Tests.Infrastructure.TusRequests;

namespace OrleansUploads.Tests.Progress;

/// <summary>Every status carries a sequence that grows with each stored change, so clients can drop duplicates.</summary>
[Collection(ServiceCollection.Name)]
public sealed class SequenceTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Events_carry_a_growing_sequence_that_the_status_read_continues()
    {
        using var client = fixture.CreateClient();
        var data = RandomBytes(3000);
        var location = await client.CreateAsync(data.Length);
        await using var watcher = await Watcher.ConnectAsync(fixture.Service.BaseAddress);
        var snapshot = await watcher.WatchAsync(IdOf(location));

        for (var offset = 0; offset < data.Length; offset += 1000)
        {
            using var response = await client.PatchAsync(location, offset, data[offset..(offset + 1000)]);
        }

        var completed = await watcher.NextAsync("UploadCompleted", IdOf(location), TimeSpan.FromSeconds(10));
        var sequences = watcher.Events(IdOf(location)).Select(e => e.Status.Sequence).ToArray();
        Assert.True(snapshot.Sequence > 0, "the snapshot has no sequence");
        Assert.True(sequences.Zip(sequences.Skip(1)).All(pair => pair.First < pair.Second), string.Join(", ", sequences));
        // An event may repeat the snapshot (both were taken as the watcher joined): a client drops it by its sequence.
        Assert.True(sequences[0] >= snapshot.Sequence, $"{sequences[0]} after snapshot {snapshot.Sequence}");
        Assert.Equal(completed.Sequence, (await client.StatusAsync(location)).Sequence);
    }
}
