using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using OrleansUploads.Api.Access;
using OrleansUploads.Cluster;

namespace OrleansUploads.Api.Hosting;

public static class AccessHosting
{
    /// <summary>HMAC-SHA256 keys shorter than its 256 bits are refused by the token library.</summary>
    private const int MinimumKeyBytes = 32;

    /// <summary>JWT bearer authentication when configured; the hub also takes the token as <c>access_token</c>.</summary>
    public static WebApplicationBuilder AddUploadAccess(this WebApplicationBuilder builder, string hubPath)
    {
        var access = builder.Services.Bind<AccessOptions>(builder.Configuration, AccessOptions.Section);
        if (access.SigningKey is { Length: > 0 } signingKey && Encoding.UTF8.GetByteCount(signingKey) is var keyBytes and < MinimumKeyBytes)
        {
            // The token library refuses such a key at every request, as 401 "signature key was not found".
            throw new StartRefusedException($"Auth:SigningKey is {keyBytes} bytes; HMAC-SHA256 tokens need at least {MinimumKeyBytes}.");
        }

        builder.Services.AddSingleton<UploadCaller>();
        if (!access.Enabled)
        {
            return builder;
        }

        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.Authority = access.Authority;
            jwt.RequireHttpsMetadata = access.Authority?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ?? false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = access.Issuer,
                ValidateIssuer = access.Issuer is not null,
                ValidAudience = access.Audience,
                ValidateAudience = access.Audience is not null,
                IssuerSigningKey = access.SigningKey is { } key ? new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)) : null,
                NameClaimType = "sub",
            };
            jwt.Events = new JwtBearerEvents
            {
                // Browsers cannot set headers on WebSockets and Server-Sent Events.
                OnMessageReceived = context =>
                {
                    if (context.Request.Path.StartsWithSegments(hubPath) && context.Request.Query["access_token"] is [{ Length: > 0 } token])
                    {
                        context.Token = token;
                    }

                    return Task.CompletedTask;
                },
            };
        });
        return builder;
    }

    public static bool AccessEnabled(this IConfiguration configuration) =>
        StartSettings.Read<AccessOptions>(configuration, AccessOptions.Section).Enabled;
}
