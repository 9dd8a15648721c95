using Amazon.S3;
using Amazon.S3.Model;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Storage;

/// <summary>The bucket the S3 store keeps uploads in, checked at start-up.</summary>
internal static class S3Bucket
{
    /// <summary>Makes the bucket when it is missing, and shows the keys are right: a listing needs them to be, where a bucket's mere existence does not.</summary>
    public static async Task CheckAsync(IAmazonS3 s3, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            try
            {
                await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, cancellationToken);
            }
            catch (AmazonS3Exception missing) when (missing.ErrorCode == "NoSuchBucket")
            {
                await MakeAsync(s3, bucket, cancellationToken);
            }
        }
        catch (Exception failure) when (failure is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException)
        {
            throw new StartRefusedException(
                $"S3 bucket {bucket} cannot be used (check Storage:S3:ServiceUrl, Storage:S3:AccessKey and Storage:S3:SecretKey): {failure.Message}", failure);
        }
    }

    private static async Task MakeAsync(IAmazonS3 s3, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, cancellationToken);
        }
        catch (AmazonS3Exception made) when (made.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // Another instance starting beside this one made it first; whether it is ours to use, the listing says.
            await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1 }, cancellationToken);
        }
    }
}
