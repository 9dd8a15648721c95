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
}

/// <summary>
/// A writer whose client hears each offset the grain stores while its body arrives (the resumable
/// draft's 104 progress). Only such a writer is told: a tus request has no use for it, and each
/// message would be a call per report that may reach the API just after the request ended.
/// </summary>
public interface ICommitListeningWriter : IUploadWriter
{
    /// <summary>The grain stored this offset: the bytes up to it survive a crash and never need sending again.</summary>
    [OneWay]
    Task OffsetCommitted(long offset);
}
