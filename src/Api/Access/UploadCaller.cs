using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace OrleansUploads.Api.Access;

/// <summary>The owner a request acts as: its tenant when one is configured, else its token's subject.</summary>
public sealed class UploadCaller(IOptions<AccessOptions> options)
{
    public const string Anonymous = "anonymous";

    private readonly AccessOptions _options = options.Value;

    /// <summary>
    /// Whom the limit on unfinished uploads counts a new upload against: its owner, or without
    /// authentication (where every caller is the one anonymous owner) the client's address.
    /// </summary>
    public string QuotaOf(HttpContext context) =>
        _options.Enabled ? OwnerOf(context.User) : $"{Anonymous}@{context.Connection.RemoteIpAddress}";

    public string OwnerOf(ClaimsPrincipal user)
    {
        if (!_options.Enabled)
        {
            return Anonymous;
        }

        if (_options.TenantClaim is { Length: > 0 } tenantClaim && user.FindFirst(tenantClaim)?.Value is { Length: > 0 } tenant)
        {
            return "tenant:" + tenant;
        }

        // Authorization already required an authenticated user; a token without a subject owns nothing.
        return "user:" + (user.FindFirst("sub")?.Value ?? throw new InvalidOperationException("The token has no subject."));
    }
}
