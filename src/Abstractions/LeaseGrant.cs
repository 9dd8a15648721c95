namespace OrleansUploads.Abstractions;

/// <summary>The grain's answer to a request that wants to write.</summary>
/// <param name="LeaseId">Set when the lease was granted; the writer quotes it on every report.</param>
/// <param name="Refusal">Why writing is refused; null when granted.</param>
/// <param name="Status">The upload as it stands, with the committed offset the writer must start from.</param>
/// <param name="Epoch">
/// The lease's number, higher for every newer writer of this upload. Storage refuses writes that carry
/// an older one, so a writer that lost its lease without noticing cannot overwrite its successor.
/// </param>
/// <param name="ReportEvery">For a processing claim: how often its holder must say it is alive, or lose the claim.</param>
/// <remarks>Positional and numbered like every record that crosses grain calls; the likeness to its siblings is the Orleans serializer's form.</remarks>
[GenerateSerializer, Immutable]
public sealed record LeaseGrant(
    [property: Id(0)] Guid? LeaseId,
    [property: Id(1)] WriteRefusal? Refusal,
    [property: Id(2)] UploadStatus? Status,
    [property: Id(3)] long Epoch = 0,
    [property: Id(4)] TimeSpan? ReportEvery = null);
