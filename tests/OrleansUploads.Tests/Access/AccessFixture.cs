using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansUploads.Tests.Infrastructure;

namespace OrleansUploads.Tests.Access;

/// <summary>A service that requires JWT bearer tokens, and a way to mint them for any subject and tenant.</summary>
public sealed class AccessFixture : IAsyncLifetime
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "uploads";
    private const string SigningKey = "a test signing key that is long enough for HMAC-SHA256";

    private UploadService? _service;

    public UploadService Service => _service ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _service = await StartServiceAsync();

    /// <summary>A service that requires tokens minted by <see cref="Token"/>.</summary>
    public static Task<UploadService> StartServiceAsync() => UploadService.StartAsync(AuthSettings);

    /// <summary>The settings that turn authentication on, as this fixture's tokens expect it.</summary>
    public static string[] AuthSettings =>
        [$"--Auth:SigningKey={SigningKey}", $"--Auth:Issuer={Issuer}", $"--Auth:Audience={Audience}", "--Auth:TenantClaim=tenant"];

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }
    }

    public static string Token(string subject, string? tenant = null, string key = SigningKey) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Expires = DateTime.UtcNow.AddMinutes(10),
        Claims = tenant is null ? new Dictionary<string, object> { ["sub"] = subject } : new Dictionary<string, object> { ["sub"] = subject, ["tenant"] = tenant },
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
    });

    public HttpClient ClientFor(string? token) => ClientFor(Service, token);

    public static HttpClient ClientFor(UploadService service, string? token)
    {
        var client = service.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }
}
