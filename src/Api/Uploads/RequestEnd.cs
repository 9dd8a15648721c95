using Microsoft.AspNetCore.Connections;
using OrleansUploads.Api.Storage;

namespace OrleansUploads.Api.Uploads;

/// <summary>Which failures of a body's copy are the request ending, an outcome rather than an error.</summary>
internal static class RequestEnd
{
    /// <summary>
    /// The body ended under the writer: the client left or was too slow, or the grain said stop. A store
    /// that failed is not one of them: the stream may hold bytes past the position, so its failure goes up
    /// to the receiver, which lets go of the lease at what was reported or the store took durably (<see cref="ChunkWrite.AbandonAsync"/>).
    /// </summary>
    public static bool Is(Exception exception, CancellationToken stopping) =>
        exception is OperationCanceledException && stopping.IsCancellationRequested
        || exception is ConnectionResetException or BadHttpRequestException
        || exception is IOException && !StorageFailure.IsFull(exception) && exception is not StorageUnavailableException;
}
