namespace OrleansUploads.Grains;

/// <summary>What a catalog persists: the ids of its owner's unfinished uploads.</summary>
[GenerateSerializer]
public sealed class UploadCatalogState
{
    [Id(0)] public HashSet<string> Active { get; set; } = [];
}
