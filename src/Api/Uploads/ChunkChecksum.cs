using System.Security.Cryptography;

namespace OrleansUploads.Api.Uploads;

/// <summary>The digest a chunk must have to be kept; a chunk with one commits nothing until it is verified whole.</summary>
public sealed record ChunkChecksum(HashAlgorithmName Algorithm, byte[] Expected)
{
    public IncrementalHash StartHash() => IncrementalHash.CreateHash(Algorithm);

    public bool Matches(byte[] actual) => CryptographicOperations.FixedTimeEquals(actual, Expected);
}
