using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace OrleansUploads.Api.Storage;

/// <summary>S3 failures in the terms the rest of the API knows: an unreachable or failing service is <see cref="StorageUnavailableException"/>.</summary>
/// <remarks>Shaped like <see cref="AzureFailure"/>, which says why the two stay apart: each maps one SDK's exception types.</remarks>
internal static class S3Failure
{
    public static async Task<T> MapAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AmazonServiceException failure)
        {
            // Whatever S3 refused that the store did not expect (a throttled, timed-out or aborted request,
            // an upload deleted under the writer) changes nothing that was stored: the client may try again.
            throw new StorageUnavailableException($"S3 failed ({(int)failure.StatusCode} {failure.ErrorCode}): {failure.Message}");
        }
        catch (Exception failure) when (failure is HttpRequestException or AmazonClientException or OperationCanceledException { InnerException: TimeoutException })
        {
            // The SDK's retries all failed to reach the service, or each timed out, or it has no credentials.
            throw new StorageUnavailableException($"S3 is unreachable: {failure.Message}");
        }
    }

    public static Task MapAsync(Func<Task> call) => MapAsync(async () =>
    {
        await call();
        return true;
    });

    /// <summary>A conditional write lost: the condition did not hold, or (S3's answer to two at once) another conditional write raced it.</summary>
    public static bool IsPreconditionFailed(AmazonS3Exception failure) =>
        failure.StatusCode == HttpStatusCode.PreconditionFailed || failure.ErrorCode == "ConditionalRequestConflict";

    /// <summary>The object is not there (a HEAD's answer names no error code); a missing bucket or multipart upload is another matter.</summary>
    public static bool IsMissingObject(AmazonS3Exception failure) =>
        failure.StatusCode == HttpStatusCode.NotFound && failure.ErrorCode is not ("NoSuchBucket" or "NoSuchUpload");
}
