using Orleans.Core;

namespace OrleansUploads.Grains;

/// <summary>
/// Writes a grain's state once for every change made while the previous write was under way, so a
/// grain that many uploads change at once (an owner's catalog, a queue) writes a few times, not once
/// per change. Each caller returns once a write that includes its change is stored, and hears of the
/// failure of that write only. Only useful in a reentrant grain, where callers wait side by side.
/// </summary>
internal sealed class CoalescedStateWrites(IStorage storage)
{
    /// <summary>Changes made so far, and how many of them a finished write stored.</summary>
    private long _changes;
    private long _stored;

    private Task _writing = Task.CompletedTask;
    private long _writingUpTo;

    /// <summary>Stores the caller's change, made just before this call, together with any others made meanwhile.</summary>
    public Task StoreChangeAsync() => StoredUpToAsync(++_changes);

    /// <summary>Waits until the changes made so far are stored, for a caller that changed nothing but may repeat a change still being stored.</summary>
    public Task SettledAsync() => StoredUpToAsync(_changes);

    private async Task StoredUpToAsync(long mine)
    {
        while (_stored < mine)
        {
            if (_writing.IsCompleted)
            {
                // The change was made while the last write ran: one more write takes it and all others since.
                _writingUpTo = _changes;
                _writing = WriteUpToAsync(_changes);
            }

            var writing = _writing;
            var covers = _writingUpTo >= mine;
            try
            {
                await writing;
            }
            catch (Exception) when (!covers)
            {
                // Someone else's write failed before this change was in it: the next write takes it.
            }
        }
    }

    private async Task WriteUpToAsync(long upTo)
    {
        await storage.WriteStateAsync();
        _stored = Math.Max(_stored, upTo);
    }
}
