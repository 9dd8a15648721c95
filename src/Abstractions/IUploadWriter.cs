using Orleans.Concurrency;

namespace OrleansUploads.Abstractions;

/// <summary>
/// The request that holds an upload's lease, as the grain sees it. The grain calls it to stop a
/// transfer at once, wherever in the cluster that request runs, instead of waiting for its next report.
/// </summary>
public interface IUploadWriter : IGrainObserver
{
    [OneWay]
    Task StopWriting(StopReason reason);

    /// <summary>Answers while the request is alive: a lease handed to a new activation is kept only for a writer that answers.</summary>
    Task<bool> IsWriting();

    /// <summary>The grain stored this offset: the bytes up to it survive a crash and never need sending again.</summary>
    [OneWay]
    Task OffsetCommitted(long offset);
}
