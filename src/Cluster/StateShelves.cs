using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OrleansUploads.Cluster;

/// <summary>
/// Grain states that fit in a page, one page each, in 256 shared files (shelves) picked by the first
/// byte of the grain's digest. Which page holds which grain lives in memory (about 80 bytes per stored
/// grain), read from a shelf the first time one of its grains is asked for. One process owns the folder.
/// </summary>
/// <remarks>
/// An upload's grain stores a small state two or three times and is rarely written again; a file of its
/// own cost the file system a new inode per upload, which on ext4, with inodes freed by deleted uploads,
/// cost more of the server's time than the rest of storing the state. A page is written by one
/// positioned write of at most a page, which a killed process leaves whole or not at all; a new page is
/// filled with zeros first, so a write the disk refuses halfway cannot leave a header over a cut state.
/// </remarks>
internal sealed class StateShelves(string folder)
{
    /// <summary>The most state bytes a page holds after its header.</summary>
    public const int Capacity = PageSize - HeaderSize;

    private const int PageSize = 4096;

    /// <summary>A mark, the state's version, the state's length, and the digest that names the grain.</summary>
    private const int HeaderSize = 48;

    private static ReadOnlySpan<byte> Mark => "OUS1"u8;
    private readonly Shelf?[] _shelves = new Shelf?[256];
    private readonly object[] _loading = [.. Enumerable.Range(0, 256).Select(_ => new object())];

    /// <summary>The stored version and state, or null when the grain has no page.</summary>
    public (long Version, byte[] State)? Read(ReadOnlySpan<byte> digest)
    {
        var shelf = ShelfOf(digest);
        lock (shelf)
        {
            if (!shelf.Pages.TryGetValue(KeyOf(digest), out var page))
            {
                return null;
            }

            var record = new byte[PageSize];
            var read = RandomAccess.Read(shelf.File, record, PageOffset(page.Number));
            var length = BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(12));
            if (read < HeaderSize + length)
            {
                throw new InvalidDataException($"A grain state page of {shelf.Path} ends before its state.");
            }

            return (page.Version, record[HeaderSize..(HeaderSize + length)]);
        }
    }

    public long? Version(ReadOnlySpan<byte> digest)
    {
        var shelf = ShelfOf(digest);
        lock (shelf)
        {
            return shelf.Pages.TryGetValue(KeyOf(digest), out var page) ? page.Version : null;
        }
    }

    /// <summary>Writes the state as <paramref name="version"/> over the grain's page, or into a free one.</summary>
    public void Write(ReadOnlySpan<byte> digest, long version, ReadOnlySpan<byte> state)
    {
        if (state.Length > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(state), state.Length, $"A shelved state holds at most {Capacity} bytes.");
        }

        Span<byte> record = stackalloc byte[HeaderSize + state.Length];
        Mark.CopyTo(record);
        BinaryPrimitives.WriteInt64LittleEndian(record[4..], version);
        BinaryPrimitives.WriteInt32LittleEndian(record[12..], state.Length);
        digest.CopyTo(record[16..]);
        state.CopyTo(record[HeaderSize..]);
        var shelf = ShelfOf(digest);
        var key = KeyOf(digest);
        lock (shelf)
        {
            var isNew = !shelf.Pages.TryGetValue(key, out var page);
            var number = isNew ? Allocate(shelf) : page.Number;
            try
            {
                RandomAccess.Write(shelf.File, record, PageOffset(number));
            }
            catch (Exception) when (isNew)
            {
                ClearHeaderIfPossible(shelf, number);
                shelf.Free.Push(number);
                throw;
            }

            shelf.Pages[key] = new Page(number, version);
        }
    }

    /// <summary>Frees the grain's page, if it has one: its header is zeroed, so it is read as free after a restart too.</summary>
    public void Remove(ReadOnlySpan<byte> digest)
    {
        var shelf = ShelfOf(digest);
        var key = KeyOf(digest);
        lock (shelf)
        {
            if (shelf.Pages.TryGetValue(key, out var page))
            {
                RandomAccess.Write(shelf.File, stackalloc byte[HeaderSize], PageOffset(page.Number));
                shelf.Pages.Remove(key);
                shelf.Free.Push(page.Number);
            }
        }
    }

    /// <summary>A free page, or a new one at the end, zero-filled before any record goes in.</summary>
    private static int Allocate(Shelf shelf)
    {
        if (shelf.Free.TryPop(out var free))
        {
            return free;
        }

        RandomAccess.Write(shelf.File, new byte[PageSize], PageOffset(shelf.End));
        return shelf.End++;
    }

    /// <summary>A new page whose record failed: zeroed again if the disk lets it, so no cut record is read after a restart.</summary>
    private static void ClearHeaderIfPossible(Shelf shelf, int number)
    {
        try
        {
            RandomAccess.Write(shelf.File, stackalloc byte[HeaderSize], PageOffset(number));
        }
        catch (Exception)
        {
            // The write that failed is what the caller hears.
        }
    }

    /// <summary>The grain's shelf, read on first use; a first use of one shelf does not wait for another's, and a failed one is tried again.</summary>
    private Shelf ShelfOf(ReadOnlySpan<byte> digest)
    {
        var index = digest[0];
        if (Volatile.Read(ref _shelves[index]) is { } shelf)
        {
            return shelf;
        }

        lock (_loading[index])
        {
            return _shelves[index] ??= Shelf.Load(Path.Combine(folder, index.ToString("x2")));
        }
    }

    private static long PageOffset(int number) => (long)number * PageSize;

    private static Key KeyOf(ReadOnlySpan<byte> digest) => MemoryMarshal.Read<Key>(digest);

    /// <summary>The digest itself: 32 bytes, held without a string per grain.</summary>
    private readonly record struct Key(UInt128 First, UInt128 Second);

    private readonly record struct Page(int Number, long Version);

    private sealed class Shelf(string path, SafeFileHandle? file)
    {
        private SafeFileHandle? _file = file;

        public string Path { get; } = path;

        /// <summary>The shelf's file, made by the first write to it: reading grains that were never stored writes nothing.</summary>
        public SafeFileHandle File => _file ??= Create(Path);

        public Dictionary<Key, Page> Pages { get; } = [];

        public Stack<int> Free { get; } = new();

        /// <summary>The number of pages in the file.</summary>
        public int End { get; set; }

        /// <summary>
        /// Reads which grain each page holds. A page whose header is not whole is free. Two pages of one
        /// grain cannot be written by this class; should they be found, the newer is kept.
        /// </summary>
        public static Shelf Load(string path)
        {
            if (!System.IO.File.Exists(path))
            {
                return new Shelf(path, null);
            }

            var shelf = new Shelf(path, System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite));
            var length = RandomAccess.GetLength(shelf.File);
            shelf.End = (int)((length + PageSize - 1) / PageSize);
            shelf.Pages.EnsureCapacity(shelf.End);
            var chunk = new byte[256 * PageSize];
            long offset = 0;
            int read;
            while (offset < length && (read = RandomAccess.Read(shelf.File, chunk, offset)) > 0)
            {
                // Whole pages only: a read that ends inside a page reads that page again next time round.
                var pages = offset + read >= length ? (read + PageSize - 1) / PageSize : read / PageSize;
                for (var page = 0; page < pages; page++)
                {
                    var at = page * PageSize;
                    shelf.Take((int)((offset + at) / PageSize), chunk.AsSpan(at, Math.Min(PageSize, read - at)));
                }

                offset += (long)pages * PageSize;
            }

            return shelf;
        }

        private static SafeFileHandle Create(string path)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            return System.IO.File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        }

        /// <summary>Notes which grain a page read from the file holds, or that it is free.</summary>
        private void Take(int number, ReadOnlySpan<byte> page)
        {
            if (page.Length < HeaderSize || !page[..4].SequenceEqual(Mark) || BinaryPrimitives.ReadInt32LittleEndian(page[12..]) is < 0 or > Capacity)
            {
                Free.Push(number);
                return;
            }

            var key = KeyOf(page[16..HeaderSize]);
            var found = new Page(number, BinaryPrimitives.ReadInt64LittleEndian(page[4..]));
            if (Pages.TryGetValue(key, out var other))
            {
                var (older, newer) = other.Version >= found.Version ? (found, other) : (other, found);
                RandomAccess.Write(File, stackalloc byte[HeaderSize], PageOffset(older.Number));
                Free.Push(older.Number);
                found = newer;
            }

            Pages[key] = found;
        }
    }
}
