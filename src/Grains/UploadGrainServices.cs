using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansUploads.Grains;

/// <summary>What upload grains need from the silo's services, besides storage, streams and reminders.</summary>
public static class UploadGrainServices
{
    public static IServiceCollection AddUploadGrainServices(this IServiceCollection services, IConfiguration? configuration = null)
    {
        services.AddHttpClient();
        services.AddSingleton<WebhookSender>();
        if (configuration is not null)
        {
            services.Configure<UploadGrainOptions>(configuration.GetSection(UploadGrainOptions.Section));
            services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.Section));
        }

        return services;
    }
}
