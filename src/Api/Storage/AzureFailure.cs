using Azure;

namespace OrleansUploads.Api.Storage;

/// <summary>Azure Storage failures in the terms the rest of the API knows: an unreachable or failing service is <see cref="StorageUnavailableException"/>.</summary>
/// <remarks>
/// Shaped like <see cref="S3Failure"/> and kept apart from it: each catches one SDK's exception types, and
/// the SDKs say "unreachable" differently (Azure gathers its failed retries in an AggregateException, AWS
/// throws AmazonClientException or a timed-out cancellation). What is alike is only the try around the
/// call and the overload without a result; a shared one would take the whole mapping as an argument.
/// </remarks>
internal static class AzureFailure
{
    public static async Task<T> MapAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException failure)
        {
            // Whatever the service refused that the store did not expect (a throttled or timed-out request,
            // a blob deleted under the writer) changes nothing that was stored: the client may try again.
            throw new StorageUnavailableException($"Azure Blob storage failed ({failure.Status} {failure.ErrorCode}): {failure.Message}");
        }
        catch (AggregateException failure) when (failure.InnerExceptions.All(inner => inner is RequestFailedException or HttpRequestException or OperationCanceledException))
        {
            // The SDK's retries all failed to reach the service, or each timed out.
            throw new StorageUnavailableException($"Azure Blob storage is unreachable: {failure.InnerExceptions[^1].Message}");
        }
    }

    public static Task MapAsync(Func<Task> call) => MapAsync(async () =>
    {
        await call();
        return true;
    });
}
