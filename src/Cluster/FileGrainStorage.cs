using System.Security.Cryptography;
using System.Text;
using Orleans.Storage;

namespace OrleansUploads.Cluster;

/// <summary>
/// Grain state as one file per grain under a folder: the embedded default, so that a single process
/// keeps its uploads and stream subscriptions across a restart without any server to install.
/// Each write goes to a temporary file that replaces the old one, so a crash leaves either version whole.
/// </summary>
public sealed class FileGrainStorage(string folder, IGrainStorageSerializer serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        var bytes = await File.ReadAllBytesAsync(path);
        grainState.State = serializer.Deserialize<T>(new BinaryData(bytes));
        grainState.ETag = ETagOf(path);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var data = serializer.Serialize(grainState.State);
        EnsureETag(path, grainState.ETag);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, data.ToArray());
        File.Move(temporary, path, overwrite: true);
        grainState.ETag = ETagOf(path);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        EnsureETag(path, grainState.ETag);
        File.Delete(path);
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    // Grain ids contain characters no file system likes; a hash keeps names short and safe.
    private string PathOf(string stateName, GrainId grainId)
    {
        Directory.CreateDirectory(folder);
        var key = SHA256.HashData(Encoding.UTF8.GetBytes($"{stateName}\n{grainId}"));
        return Path.Combine(folder, Convert.ToHexStringLower(key));
    }

    private static string? ETagOf(string path) =>
        File.Exists(path) ? File.GetLastWriteTimeUtc(path).Ticks.ToString() + "-" + new FileInfo(path).Length : null;

    private static void EnsureETag(string path, string? expected)
    {
        var actual = ETagOf(path);
        if (actual != expected)
        {
            throw new InconsistentStateException($"Grain state changed underneath (stored {actual}, expected {expected}).", actual ?? "", expected ?? "");
        }
    }
}
