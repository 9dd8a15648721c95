namespace OrleansUploads.Grains;

/// <summary>A persisted set of upload ids: an owner's unfinished uploads, or the discarded ones awaiting deletion.</summary>
[GenerateSerializer]
public sealed class UploadCatalogState
{
    [Id(0)] public HashSet<string> Active { get; set; } = [];
}
