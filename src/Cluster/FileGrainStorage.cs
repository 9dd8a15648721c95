using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Orleans.Storage;

namespace OrleansUploads.Cluster;

/// <summary>
/// Grain state as one file per grain under a folder: the embedded default, so that a single process
/// keeps its uploads and stream subscriptions across a restart without any server to install.
/// </summary>
/// <remarks>
/// A record is a header (a mark, the state's version, the length of the state) and the state, in one of
/// two slots: the grain's file and, once a state outgrew a page, a second file beside it. A record that
/// fits in one page is written over the first slot by one positioned write: the kernel copies a page it
/// began whole even when the process is killed, and bytes past the length (from a longer earlier state)
/// are never read; that keeps an upload's state write to a few system calls. A larger record (a catalog
/// of many uploads) could be cut between pages, so it goes into the slot that does not hold the newest
/// version, state first and header last: a write cut short leaves that slot's header as it was, older
/// than the other slot's, so the newest whole version is still the one read. Past a slot's first write no
/// write makes a new file (a replaced file would cost the file system an inode for every write of a busy
/// catalog). The version
/// is the ETag. Files written before the header existed are read as bare states.
/// Each grain's files go into one of 256 subfolders named by the first two digits of their name: a
/// folder of every upload ever made grows large, and on ext4 creating each new grain's file there
/// grew costlier with it, until it took more of the server's time per upload than storing the upload's bytes.
/// Files from before subfolders, in the folder itself, are moved into theirs when first read.
/// </remarks>
public sealed class FileGrainStorage(string folder, IGrainStorageSerializer serializer) : IGrainStorage
{
    private const int HeaderSize = 16;
    private const int Page = 4096;
    private static ReadOnlySpan<byte> Mark => "OUG1"u8;
    private readonly Lazy<string> _folder = new(() => Directory.CreateDirectory(folder).FullName);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var name = NameOf(stateName, grainId);
        var path = PathOf(name);
        MoveFromFlatLayout(FlatPathOf(name), path);
        var first = File.Exists(path) ? await File.ReadAllBytesAsync(path) : [];
        var second = File.Exists(LargePath(path)) ? await File.ReadAllBytesAsync(LargePath(path)) : [];
        if (Newest(first, second) is not var (version, state))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = serializer.Deserialize<T>(new BinaryData(state));
        grainState.ETag = version.ToString();
        grainState.RecordExists = true;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var state = serializer.Serialize(grainState.State).ToMemory();
        var record = new byte[HeaderSize + state.Length];
        long next;
        using (var file = OpenOrCreate(path))
        {
            var version = StoredVersion(file);
            var large = LargeVersion(path);
            var newest = Newer(version, large);
            EnsureETag(newest, grainState.ETag);
            next = (newest ?? 0) + 1;
            Mark.CopyTo(record);
            BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(4), next);
            BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(12), state.Length);
            state.Span.CopyTo(record.AsSpan(HeaderSize));
            if (record.Length <= Page)
            {
                RandomAccess.Write(file, record, 0);
                if (large is not null)
                {
                    // The state shrank: the large slot is older now, and reading or checking it would cost every write.
                    File.Delete(LargePath(path));
                }
            }
            else if (large is null || large < version)
            {
                WriteHeaderLast(LargePath(path), record);
            }
            else
            {
                WriteHeaderLast(file, record);
            }
        }

        grainState.ETag = next.ToString();
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        long? small = null;
        if (File.Exists(path))
        {
            using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            small = StoredVersion(file);
        }

        var large = LargeVersion(path);
        if (small is not null || large is not null)
        {
            EnsureETag(Newer(small, large), grainState.ETag);
        }

        // The older slot goes first: killed in between, the newest version is left, never an older one brought back.
        var newestIsLarge = (large ?? -1) > (small ?? -1);
        if (Directory.Exists(Path.GetDirectoryName(path)))
        {
            File.Delete(newestIsLarge ? path : LargePath(path));
            File.Delete(newestIsLarge ? LargePath(path) : path);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    // Grain ids contain characters no file system likes; a hash keeps names short and safe.
    private string PathOf(string stateName, GrainId grainId) => PathOf(NameOf(stateName, grainId));

    private string PathOf(string name) => Path.Combine(_folder.Value, name[..2], name[2..]);

    /// <summary>Where a version before subfolders kept the grain's file: in the folder itself, named by the whole digest.</summary>
    private string FlatPathOf(string name) => Path.Combine(_folder.Value, name);

    private static string NameOf(string stateName, GrainId grainId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{stateName}\n{grainId}")));

    /// <summary>
    /// Moves a grain's files from <paramref name="flat"/> into their subfolder at <paramref name="path"/>,
    /// the large slot first: cut in between, the grain's file is still in the flat layout, so the next
    /// read moves it too.
    /// </summary>
    private static void MoveFromFlatLayout(string flat, string path)
    {
        if (File.Exists(path) || !File.Exists(flat))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(LargePath(flat)))
        {
            File.Move(LargePath(flat), LargePath(path), overwrite: true);
        }

        File.Move(flat, path);
    }

    /// <summary>Opens a grain's file, making its subfolder the first time one of its grains writes.</summary>
    private static Microsoft.Win32.SafeHandles.SafeFileHandle OpenOrCreate(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        }
    }

    /// <summary>The second slot, beside the grain's file: it holds a record only once a state outgrew a page.</summary>
    private static string LargePath(string path) => path + ".large";

    /// <summary>The large slot's version; null when it holds none, also when its first write was cut before its header.</summary>
    private static long? LargeVersion(string path)
    {
        if (!File.Exists(LargePath(path)))
        {
            return null;
        }

        using var file = File.OpenHandle(LargePath(path), FileMode.Open, FileAccess.Read);
        Span<byte> header = stackalloc byte[HeaderSize];
        return MarkedVersion(header[..RandomAccess.Read(file, header, 0)]);
    }

    private static long? Newer(long? first, long? second) => (second ?? -1) > (first ?? -1) ? second : first;

    private static void WriteHeaderLast(string path, byte[] record)
    {
        using var file = OpenOrCreate(path);
        WriteHeaderLast(file, record);
    }

    /// <summary>The state, then the header that makes it the slot's version: cut in between, the slot keeps its older version.</summary>
    private static void WriteHeaderLast(Microsoft.Win32.SafeHandles.SafeFileHandle file, byte[] record)
    {
        RandomAccess.Write(file, record.AsSpan(HeaderSize), HeaderSize);
        RandomAccess.Write(file, record.AsSpan(0, HeaderSize), 0);
    }

    /// <summary>The version stored, 0 for a file from before versions, null for no state at all.</summary>
    private static long? StoredVersion(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        var read = RandomAccess.Read(file, header, 0);
        return read == 0 ? null : MarkedVersion(header[..read]) ?? 0;
    }

    /// <summary>The version in a header that begins with the mark; null for bytes that are no header.</summary>
    private static long? MarkedVersion(ReadOnlySpan<byte> record) =>
        record.Length >= HeaderSize && record[..4].SequenceEqual(Mark) ? BinaryPrimitives.ReadInt64LittleEndian(record[4..]) : null;

    /// <summary>The slot with the newer version, null when neither holds one; a large slot whose header was never written holds none.</summary>
    private static (long Version, ReadOnlyMemory<byte> State)? Newest(byte[] first, byte[] second)
    {
        (long Version, ReadOnlyMemory<byte> State)? small = first.Length > 0 ? Parse(first) : null;
        return MarkedVersion(second) is { } large && large > (small?.Version ?? -1) ? Parse(second) : small;
    }

    private static (long Version, ReadOnlyMemory<byte> State) Parse(byte[] bytes)
    {
        if (MarkedVersion(bytes) is not { } version)
        {
            return (0, bytes);
        }

        return (version, bytes.AsMemory(HeaderSize, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12))));
    }

    private static void EnsureETag(long? stored, string? expected)
    {
        var actual = stored?.ToString();
        if (actual != expected)
        {
            throw new InconsistentStateException($"Grain state changed underneath (stored {actual}, expected {expected}).", actual ?? "", expected ?? "");
        }
    }
}
