using Orleans.Storage;

namespace OrleansUploads.Cluster;

/// <summary>Versions of a stored grain state, wherever it is stored: the newer of two, and the ETag check.</summary>
internal static class StateVersions
{
    public static long? Newer(long? first, long? second) => (second ?? -1) > (first ?? -1) ? second : first;

    /// <summary>A write or clear from a grain that did not read the version stored now is refused.</summary>
    public static void Ensure(long? stored, string? expected)
    {
        var actual = stored?.ToString();
        if (actual != expected)
        {
            throw new InconsistentStateException($"Grain state changed underneath (stored {actual}, expected {expected}).", actual ?? "", expected ?? "");
        }
    }
}
