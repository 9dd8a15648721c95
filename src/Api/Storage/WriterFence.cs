using System.Buffers.Binary;
using System.Diagnostics;

namespace OrleansUploads.Api.Storage;

/// <summary>
/// Fences an upload's file against writers that lost their lease without noticing (a process that
/// froze while another took over). Beside the bytes, <c>{id}.epoch</c> holds the lease epoch of the
/// newest writer; every change to the bytes takes that file's lock (an exclusive open, which .NET
/// holds as an advisory lock that other processes and machines on the same share respect), checks
/// the writer's epoch is still the newest, and only then acts.
/// </summary>
internal sealed class WriterFence(string path, long epoch)
{
    private static readonly TimeSpan LockPatience = TimeSpan.FromSeconds(10);

    // EWOULDBLOCK: .NET's advisory lock on the file is held by another writer. Other errors are not waited out.
    private const int LockHeld = 11;

    /// <summary>Makes this writer the newest (a newer one already there refuses it), then acts.</summary>
    public void Claim(Action act) => Guard(act, claim: true);

    /// <summary>Acts only while this writer is still the newest.</summary>
    public void Guard(Action act) => Guard(act, claim: false);

    public static void Remove(string path) => File.Delete(path);

    private void Guard(Action act, bool claim)
    {
        using var fence = Lock();
        Span<byte> stored = stackalloc byte[sizeof(long)];
        var newest = RandomAccess.Read(fence.SafeFileHandle, stored, 0) == sizeof(long) ? BinaryPrimitives.ReadInt64LittleEndian(stored) : 0;
        if (newest > epoch || (!claim && newest != epoch))
        {
            throw new StaleWriterException($"A newer writer (lease {newest}) owns this upload; writes of lease {epoch} are refused.");
        }

        if (newest != epoch)
        {
            BinaryPrimitives.WriteInt64LittleEndian(stored, epoch);
            RandomAccess.Write(fence.SafeFileHandle, stored, 0);
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
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException exception) when (exception.HResult == LockHeld && Stopwatch.GetElapsedTime(started) < LockPatience)
            {
                // Another writer holds the lock for one block's write: a moment's wait.
                Thread.Sleep(1);
            }
        }
    }
}

/// <summary>A write or truncate by a writer whose lease a newer writer has taken; nothing was changed.</summary>
public sealed class StaleWriterException(string message) : InvalidOperationException(message);
