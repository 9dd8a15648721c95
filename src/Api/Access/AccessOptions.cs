namespace OrleansUploads.Api.Access;

/// <summary>
/// Who may call the API, from the <c>Auth</c> configuration section. With neither a signing key nor an
/// authority, authentication is off and every caller is the one anonymous owner.
/// </summary>
public sealed class AccessOptions
{
    public const string Section = "Auth";

    /// <summary>OpenID Connect authority whose keys sign the tokens (alternative to <see cref="SigningKey"/>).</summary>
    public string? Authority { get; set; }

    /// <summary>A shared secret (at least 32 bytes) that signs tokens with HMAC-SHA256.</summary>
    public string? SigningKey { get; set; }

    public string? Issuer { get; set; }
    public string? Audience { get; set; }

    /// <summary>A claim (for example <c>tenant</c> or <c>org</c>) whose members share their uploads.</summary>
    public string? TenantClaim { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(Authority) || !string.IsNullOrEmpty(SigningKey);
}
