using OrleansUploads.Abstractions;

namespace OrleansUploads.Grains;

/// <summary>How far one partial upload of a final upload has got, as the final upload last heard.</summary>
[GenerateSerializer, Immutable]
public sealed record PartProgress(
    [property: Id(0)] long Bytes,
    [property: Id(1)] long? Total,
    [property: Id(2)] UploadState State);
