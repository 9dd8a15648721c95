using System.Buffers.Binary;
using System.Diagnostics;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// Fences an upload's file against writers that lost their lease without noticing (a process that
/// froze while another took over). Every change to the bytes takes a lock (an exclusive open of one of
/// the store's lock files, which .NET holds as an advisory lock that other processes and machines on
/// the same share respect), checks the writer's epoch is still the newest, and only then acts. The
/// newest epoch past the first is kept beside the bytes in <c>{id}.epoch</c>; no such file means no
/// writer came after the first, so an upload written in one go makes no file but its bytes.
/// </summary>
/// <param name="lockPath">The lock file this upload shares with a few others: it already exists after the first use.</param>
internal sealed class WriterFence(string lockPath, string epochPath, long epoch)
{
    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The epoch of the first lease (0 for a final upload, which its assembly writes and no lease does):
    /// it needs no record, since no writer before it can be stale.
    /// </summary>
    private const long FirstEpoch = 1;

    /// <summary>Makes this writer the newest (a newer one already there refuses it), then acts.</summary>
    public void Claim(Action act) => Guard(act, claim: true);

    /// <summary>Acts only while this writer is still the newest.</summary>
    public void Guard(Action act) => Guard(act, claim: false);

    public static void Remove(string epochPath) => File.Delete(epochPath);

    private void Guard(Action act, bool claim)
    {
        using var fence = Lock();
        Span<byte> stored = stackalloc byte[sizeof(long)];
        using var record = File.Exists(epochPath) ? File.OpenHandle(epochPath, FileMode.Open, FileAccess.ReadWrite) : null;
        long? recorded = record is null ? null : RandomAccess.Read(record, stored, 0) == sizeof(long) ? BinaryPrimitives.ReadInt64LittleEndian(stored) : 0;

        // With no record, only the first writer (or an assembly) has written.
        var newest = recorded ?? Math.Min(epoch, FirstEpoch);
        if (newest > epoch || (!claim && newest != epoch))
        {
            throw new StaleWriterException($"A newer writer (lease {newest}) owns this upload; writes of lease {epoch} are refused.");
        }

        if (newest != epoch)
        {
            using var created = record is null ? File.OpenHandle(epochPath, FileMode.OpenOrCreate, FileAccess.ReadWrite) : null;
            BinaryPrimitives.WriteInt64LittleEndian(stored, epoch);
            RandomAccess.Write(record ?? created!, stored, 0);
        }

        act();
    }

    private FileStream Lock()
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (DirectoryNotFoundException) when (Directory.Exists(Path.GetDirectoryName(Path.GetDirectoryName(lockPath))))
            {
                // A store made by a version before lock files, mounted after this one started: its writer holds an open upload file there.
                Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
            }
            // Only another writer's lock is waited out; other errors are not.
            catch (IOException exception) when (FileLockRefusal.IsHeldElsewhere(exception) && Stopwatch.GetElapsedTime(started) < LockPatience)
            {
                // Another writer holds the lock for one block's write: a moment's wait.
                Thread.Sleep(1);
            }
        }
    }
}

/// <summary>A write or truncate by a writer whose lease a newer writer has taken; nothing was changed.</summary>
public sealed class StaleWriterException(string message) : InvalidOperationException(message);
