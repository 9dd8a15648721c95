using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansUploads.Client;

/// <summary>The service's JSON: web defaults (camelCase) with states as camelCase strings.</summary>
public static class UploadJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Makes <paramref name="options"/> read and write the service's JSON; for the hub's payload options too.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }
}
