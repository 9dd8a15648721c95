using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Orleans.Storage;
using static OrleansUploads.Cluster.StateVersions;

namespace OrleansUploads.Cluster;

/// <summary>
/// Grain state in files under a folder: the embedded default, so that a single process keeps its uploads
/// and stream subscriptions across a restart without any server to install.
/// </summary>
/// <remarks>
/// A state that fits in a page (an upload's) is kept on a shelf (<see cref="StateShelves"/>), a larger
/// one (a catalog of many uploads) in files of the grain's own (<see cref="GrainFiles"/>). A grain whose
/// state crosses that size moves: the new version is written in its new place before the old place is
/// cleared, so a kill in between leaves both and the newer is read. The version is the ETag. Grains are
/// named by a digest of their state name and id, which no file system minds.
/// </remarks>
public sealed class FileGrainStorage(string folder, IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly StateShelves _shelves = new(Path.GetFullPath(Path.Combine(folder, "shelves")));
    private readonly GrainFiles _files = new(folder);

    /// <summary>
    /// Grains that have a page and may have files of their own beside it (a kill or a failed delete cut a
    /// move short): their writes look for those files until they are gone.
    /// </summary>
    private readonly ConcurrentDictionary<string, bool> _mayHaveFiles = new();

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (digest, name) = NameOf(stateName, grainId);
        var files = await _files.ReadAsync(name);
        var shelved = _shelves.Read(digest);
        if (shelved is not null && files.Exist)
        {
            _mayHaveFiles[name] = true;
        }

        var newest = shelved is { } page && page.Version > (files.Newest?.Version ?? -1) ? (page.Version, page.State) : files.Newest;
        if (newest is not var (version, state))
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
        var (digest, name) = NameOf(stateName, grainId);
        var state = serializer.Serialize(grainState.State).ToMemory();
        var shelved = _shelves.Version(digest);
        long next;
        if (state.Length <= StateShelves.Capacity)
        {
            // Files are looked for as a grain first goes onto a shelf: an upload's first write costs two lookups, its later ones none.
            var files = shelved is null || _mayHaveFiles.ContainsKey(name) ? _files.Versions(name) : default;
            var newest = Newer(shelved, files.Version);
            Ensure(newest, grainState.ETag);
            next = (newest ?? 0) + 1;
            _shelves.Write(digest, next, state.Span);
            if (files.Exist)
            {
                _mayHaveFiles[name] = true;
                ClearOldPlace(() => _files.Delete(name), name);
            }
        }
        else
        {
            // Marked first: should the page outlive this write, the grain's next write must see the files' version.
            _mayHaveFiles[name] = true;
            next = _files.Write(name, shelved, grainState.ETag, state.Span);
            if (shelved is not null)
            {
                ClearOldPlace(() => _shelves.Remove(digest), name: null);
            }
        }

        grainState.ETag = next.ToString();
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (digest, name) = NameOf(stateName, grainId);
        var shelved = _shelves.Version(digest);
        var files = _files.Versions(name).Version;
        if (shelved is not null || files is not null)
        {
            Ensure(Newer(shelved, files), grainState.ETag);
        }

        // The older place goes first: killed in between, the newest version is left, never an older one brought back.
        if ((shelved ?? -1) > (files ?? -1))
        {
            _files.Delete(name);
            _shelves.Remove(digest);
        }
        else
        {
            _shelves.Remove(digest);
            _files.Delete(name);
        }

        _mayHaveFiles.TryRemove(name, out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Clears the older place of a grain that moved. The newer version is stored already, so the write has
    /// succeeded whatever happens here; a place left behind is older and is cleared by a later write.
    /// </summary>
    /// <param name="name">The grain whose files are deleted, unmarked once they are gone; null for a page.</param>
    private void ClearOldPlace(Action clear, string? name)
    {
        try
        {
            clear();
            if (name is not null)
            {
                _mayHaveFiles.TryRemove(name, out _);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The disk or the file system refused: the older version stays beside the newer, and reads take the newer.
        }
    }

    private static (byte[] Digest, string Name) NameOf(string stateName, GrainId grainId)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{stateName}\n{grainId}"));
        return (digest, Convert.ToHexStringLower(digest));
    }
}
