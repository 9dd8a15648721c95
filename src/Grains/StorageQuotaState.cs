namespace OrleansUploads.Grains;

/// <summary>The bytes each of one owner's uploads holds against its quota.</summary>
[GenerateSerializer]
public sealed class StorageQuotaState
{
    [Id(0)] public Dictionary<string, long> Reserved { get; set; } = [];
}
