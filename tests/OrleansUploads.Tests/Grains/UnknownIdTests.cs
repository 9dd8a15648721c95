using OrleansUploads.Abstractions;

namespace OrleansUploads.Tests.Grains;

/// <summary>Asking about ids nobody created answers "none" and leaves nothing behind in memory.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class UnknownIdTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Grains_of_unknown_ids_leave_memory_once_they_answer()
    {
        var before = await UploadActivationsAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            fixture.Client.GetGrain<IUploadGrain>(Guid.NewGuid().ToString("N")).GetStatusAsync("owner")));

        Assert.All(answers, Assert.Null);
        await Eventually.UntilAsync(UploadActivationsAsync, count => count <= before, TimeSpan.FromSeconds(20), "the unknown uploads' grains to leave memory");
    }

    private async Task<int> UploadActivationsAsync()
    {
        var statistics = await fixture.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("UploadGrain")).Sum(s => s.ActivationCount);
    }
}
