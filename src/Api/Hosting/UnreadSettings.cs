using System.Collections;
using Orleans.Configuration;
using OrleansUploads.Api.Access;
using OrleansUploads.Api.Hooks;
using OrleansUploads.Api.Limits;
using OrleansUploads.Api.Storage;
using OrleansUploads.Api.Uploads;
using OrleansUploads.Cluster;
using OrleansUploads.Grains;

namespace OrleansUploads.Api.Hosting;

/// <summary>
/// Settings under the service's own sections that nothing reads, logged as warnings at start. The
/// configuration binder ignores a key no property has, so a misspelt name (<c>Uploads:MaxSizeByte</c>)
/// would leave its default in force without a word.
/// </summary>
public static class UnreadSettings
{
    /// <summary>Every section the API or its co-hosted silo binds, with the options it is bound to.</summary>
    private static readonly (string Section, Type Shape)[] Sections =
    [
        (UploadApiOptions.Section, typeof(UploadApiOptions)),
        (UploadGrainOptions.Section, typeof(UploadGrainOptions)),
        (ValidationOptions.Section, typeof(ValidationOptions)),
        (WebhookOptions.Section, typeof(WebhookOptions)),
        (StorageOptions.Section, typeof(StorageOptions)),
        (AccessOptions.Section, typeof(AccessOptions)),
        (LimitOptions.Section, typeof(LimitOptions)),
        (ClusterSettings.Section, typeof(ClusterSettings)),
        ("Cluster:Membership", typeof(ClusterMembershipOptions)),
        ("Cluster:Gateway", typeof(GatewayOptions)),
        ("Cluster:Reminders", typeof(ReminderOptions)),
        ("Cluster:GrainCollection", typeof(GrainCollectionOptions)),
        ("Cluster:GrainDirectory", typeof(GrainDirectoryOptions)),
    ];

    /// <summary>Settings read one by one rather than bound.</summary>
    private static readonly string[] Singles = ["Storage:DataPath", "Dashboard:Enabled", "OpenTelemetry:OtlpEndpoint", "OpenTelemetry:ConsoleTraces"];

    /// <summary>The settings under the service's sections that no options property or single setting takes, in configuration order.</summary>
    public static IEnumerable<UnreadSetting> In(IConfiguration configuration)
    {
        var known = new HashSet<string>(Singles, StringComparer.OrdinalIgnoreCase);
        // Keys under a list or a dictionary are its items, whatever their names.
        var lists = new List<string>();
        foreach (var (section, shape) in Sections)
        {
            Describe(section, shape, known, lists, depth: 0);
        }

        var roots = Sections.Select(entry => entry.Section).Concat(Singles).Select(key => key.Split(':')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return roots
            .SelectMany(root => configuration.GetSection(root).AsEnumerable().Where(pair => pair.Value is not null).Select(pair => pair.Key))
            .Where(key => !known.Contains(key) && !lists.Exists(list => key.StartsWith(list + ":", StringComparison.OrdinalIgnoreCase)))
            // The binder takes a list's items only: a value given to the list itself is lost as surely as a misspelt name.
            .Select(key => new UnreadSetting(key, lists.Exists(list => string.Equals(list, key, StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>Logs each unread setting once, naming it, as the start goes on with its defaults.</summary>
    public static void WarnOfUnreadSettings(this WebApplication app)
    {
        foreach (var unread in In(app.Configuration))
        {
            app.Logger.LogWarning("{Setting}", unread.Warning);
        }
    }

    private static void Describe(string prefix, Type shape, HashSet<string> known, List<string> lists, int depth)
    {
        foreach (var property in shape.GetProperties().Where(property => property.GetIndexParameters().Length == 0))
        {
            var key = $"{prefix}:{property.Name}";
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsValue(type))
            {
                if (property.CanWrite)
                {
                    known.Add(key);
                }
            }
            else if (typeof(IEnumerable).IsAssignableFrom(type))
            {
                lists.Add(key);
            }
            else if (depth < 3 && !type.IsAbstract && !type.IsInterface && !typeof(Delegate).IsAssignableFrom(type))
            {
                // Nested options, as Storage:S3 (delegates and interfaces are set in code, not from settings).
                Describe(key, type, known, lists, depth + 1);
            }
        }
    }

    /// <summary>A type the binder converts from one string.</summary>
    private static bool IsValue(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);
}

/// <summary>A setting nothing reads; <see cref="IsList"/> when it names a list, whose items alone are read.</summary>
public sealed record UnreadSetting(string Key, bool IsList)
{
    public string Warning => IsList
        ? $"{Key} is a list: its items are set as {Key}:0, {Key}:1 and so on, and this value is ignored."
        : $"{Key} is no setting of this service and is ignored; the README lists the settings.";
}
