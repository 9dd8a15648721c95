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
/// A file is a header (a mark, the state's version, the length of the state) and the state. A record
/// that fits in one page is written over the old one by one positioned write: the kernel copies a page
/// it began whole even when the process is killed, and bytes past the length (from a longer earlier
/// state) are never read; that keeps an upload's state write to three system calls. A larger record (a
/// catalog of many uploads) could be cut between pages, so it goes to a new file that replaces the old
/// one. Either way a crash of the process leaves one version whole. The version is the ETag. Files
/// written before the header existed are read as bare states.
/// </remarks>
public sealed class FileGrainStorage(string folder, IGrainStorageSerializer serializer) : IGrainStorage
{
    private const int HeaderSize = 16;
    private const int Page = 4096;
    private static ReadOnlySpan<byte> Mark => "OUG1"u8;
    private readonly Lazy<string> _folder = new(() => Directory.CreateDirectory(folder).FullName);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var bytes = File.Exists(path) ? await File.ReadAllBytesAsync(path) : [];
        if (bytes.Length == 0)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var (version, state) = Parse(bytes);
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
        using (var file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite))
        {
            var version = StoredVersion(file);
            EnsureETag(version, grainState.ETag);
            next = (version ?? 0) + 1;
            Mark.CopyTo(record);
            BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(4), next);
            BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(12), state.Length);
            state.Span.CopyTo(record.AsSpan(HeaderSize));
            if (record.Length <= Page)
            {
                RandomAccess.Write(file, record, 0);
            }
        }

        if (record.Length > Page)
        {
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temporary, record);
            File.Move(temporary, path, overwrite: true);
        }

        grainState.ETag = next.ToString();
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        if (File.Exists(path))
        {
            using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
            {
                EnsureETag(StoredVersion(file), grainState.ETag);
            }

            File.Delete(path);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    // Grain ids contain characters no file system likes; a hash keeps names short and safe.
    private string PathOf(string stateName, GrainId grainId) =>
        Path.Combine(_folder.Value, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{stateName}\n{grainId}"))));

    /// <summary>The version stored, 0 for a file from before versions, null for no state at all.</summary>
    private static long? StoredVersion(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        var read = RandomAccess.Read(file, header, 0);
        return read == 0 ? null : read == HeaderSize && header[..4].SequenceEqual(Mark) ? BinaryPrimitives.ReadInt64LittleEndian(header[4..]) : 0;
    }

    private static (long Version, ReadOnlyMemory<byte> State) Parse(byte[] bytes)
    {
        if (bytes.Length < HeaderSize || !bytes.AsSpan(0, 4).SequenceEqual(Mark))
        {
            return (0, bytes);
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        return (BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(4)), bytes.AsMemory(HeaderSize, length));
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
