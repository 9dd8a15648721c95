using System.Collections.Concurrent;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// Runs fsyncs on threads of their own. An fsync blocks its thread for as long as the disk takes: on
/// the thread pool, a thousand uploads syncing at once held the pool's threads waiting on the disk
/// while requests and grain calls queued behind them, and the processors stood idle a quarter of the
/// time (BENCHMARKS.md, scenario 11).
/// </summary>
internal static class DiskSyncThreads
{
    /// <summary>fsyncs under way at once: enough that the disk takes several flushes together.</summary>
    private const int Count = 16;

    private static readonly BlockingCollection<(Action Sync, TaskCompletionSource Done)> Waiting = StartThreads();

    /// <summary>Runs <paramref name="sync"/> on a sync thread; the task ends as it does, its continuations back on the pool.</summary>
    public static Task RunAsync(Action sync)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Waiting.Add((sync, done));
        return done.Task;
    }

    private static BlockingCollection<(Action, TaskCompletionSource)> StartThreads()
    {
        var waiting = new BlockingCollection<(Action, TaskCompletionSource)>();
        for (var index = 0; index < Count; index++)
        {
            new Thread(() => SyncAll(waiting)) { IsBackground = true, Name = "Disk sync" }.Start();
        }

        return waiting;
    }

    private static void SyncAll(BlockingCollection<(Action Sync, TaskCompletionSource Done)> waiting)
    {
        foreach (var (sync, done) in waiting.GetConsumingEnumerable())
        {
            try
            {
                sync();
                done.SetResult();
            }
            catch (Exception exception)
            {
                done.SetException(exception);
            }
        }
    }
}
