using Orleans.Storage;

namespace OrleansUploads.Tests.Grains;

/// <summary>Grain storage that fails writes on demand, as a store that is down or full would.</summary>
public sealed class FailingGrainStorage(IGrainStorage inner) : IGrainStorage
{
    public bool FailWrites { get; set; }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        FailWrites ? throw new IOException("The grain store refused the write.") : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
