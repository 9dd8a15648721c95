using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using static OrleansUploads.Cluster.StateVersions;

namespace OrleansUploads.Cluster;

/// <summary>
/// A grain's own files, for a state too large for a shelf's page (a catalog of many uploads), and as
/// versions before shelves left every state.
/// </summary>
/// <remarks>
/// A record is a header (a mark, the state's version, the length of the state) and the state, in one of
/// two slots: the grain's file and a second file beside it. A record could be cut between pages, so it
/// goes into the slot that does not hold the newest version, state first and header last: a write cut
/// short leaves that slot's header as it was, older than the other slot's, so the newest whole version is
/// still the one read. Past a slot's first write no write makes a new file (a replaced file would cost the
/// file system an inode for every write of a busy catalog). Files written before the header existed are
/// read as bare states, version 0; bytes past a record's length (from a longer earlier state) are never read.
/// Each grain's files go into one of 256 subfolders named by the first two digits of their name: a folder
/// of every grain ever stored grows large, and on ext4 creating each new file there grew costlier with it.
/// Files from before subfolders, in the folder itself, are moved into theirs when first read.
/// </remarks>
internal sealed class GrainFiles(string folder)
{
    private const int HeaderSize = 16;
    private static ReadOnlySpan<byte> Mark => "OUG1"u8;
    private readonly Lazy<string> _folder = new(() => Directory.CreateDirectory(folder).FullName);

    /// <summary>Whether the grain has files, and the newest whole record in them.</summary>
    public async Task<(bool Exist, (long Version, ReadOnlyMemory<byte> State)? Newest)> ReadAsync(string name)
    {
        var path = PathOf(name);
        MoveFromFlatLayout(FlatPathOf(name), path);
        var first = File.Exists(path) ? await File.ReadAllBytesAsync(path) : null;
        var second = File.Exists(LargePath(path)) ? await File.ReadAllBytesAsync(LargePath(path)) : null;
        return (first is not null || second is not null, Newest(first ?? [], second ?? []));
    }

    /// <summary>Whether the grain has files, and the newest version in them (null for none).</summary>
    public (bool Exist, long? Version) Versions(string name)
    {
        var path = PathOf(name);
        var exist = File.Exists(path) | File.Exists(LargePath(path));
        return (exist, exist ? Newer(SmallVersion(path), LargeVersion(path)) : null);
    }

    /// <summary>
    /// Writes the state into whichever slot does not hold the files' newest version, as the version after
    /// both theirs and <paramref name="elsewhere"/> (a shelf's), checked against <paramref name="etag"/>; returns it.
    /// </summary>
    public long Write(string name, long? elsewhere, string? etag, ReadOnlySpan<byte> state)
    {
        var path = PathOf(name);
        using var file = OpenOrCreate(path);
        var version = StoredVersion(file);
        var large = LargeVersion(path);
        var newest = Newer(elsewhere, Newer(version, large));
        Ensure(newest, etag);
        var next = (newest ?? 0) + 1;
        var record = new byte[HeaderSize + state.Length];
        Mark.CopyTo(record);
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(4), next);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(12), state.Length);
        state.CopyTo(record.AsSpan(HeaderSize));
        if (large is null || large < version)
        {
            WriteHeaderLast(LargePath(path), record);
        }
        else
        {
            WriteHeaderLast(file, record);
        }

        return next;
    }

    /// <summary>Deletes the grain's files, the older slot first: killed in between, the newer is the one left.</summary>
    public void Delete(string name)
    {
        var path = PathOf(name);
        if (!Directory.Exists(Path.GetDirectoryName(path)))
        {
            return;
        }

        var newestIsLarge = (LargeVersion(path) ?? -1) > (SmallVersion(path) ?? -1);
        File.Delete(newestIsLarge ? path : LargePath(path));
        File.Delete(newestIsLarge ? LargePath(path) : path);
    }

    private string PathOf(string name) => Path.Combine(_folder.Value, name[..2], name[2..]);

    /// <summary>Where a version before subfolders kept the grain's file: in the folder itself, named by the whole digest.</summary>
    private string FlatPathOf(string name) => Path.Combine(_folder.Value, name);

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
    private static SafeFileHandle OpenOrCreate(string path)
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

    /// <summary>The second slot, beside the grain's file.</summary>
    private static string LargePath(string path) => path + ".large";

    /// <summary>The grain's file's version, 0 for a file from before versions; null when there is no file or it holds no state.</summary>
    private static long? SmallVersion(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        return StoredVersion(file);
    }

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

    private static void WriteHeaderLast(string path, byte[] record)
    {
        using var file = OpenOrCreate(path);
        WriteHeaderLast(file, record);
    }

    /// <summary>The state, then the header that makes it the slot's version: cut in between, the slot keeps its older version.</summary>
    private static void WriteHeaderLast(SafeFileHandle file, byte[] record)
    {
        RandomAccess.Write(file, record.AsSpan(HeaderSize), HeaderSize);
        RandomAccess.Write(file, record.AsSpan(0, HeaderSize), 0);
    }

    /// <summary>The version stored, 0 for a file from before versions, null for no state at all.</summary>
    private static long? StoredVersion(SafeFileHandle file)
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
}
