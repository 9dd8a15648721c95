using System.Collections;
using System.ComponentModel;
using System.Reflection;
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
        (ClusterSettings.MembershipSection, typeof(ClusterMembershipOptions)),
        (ClusterSettings.GatewaySection, typeof(GatewayOptions)),
        (ClusterSettings.RemindersSection, typeof(ReminderOptions)),
        (ClusterSettings.GrainCollectionSection, typeof(GrainCollectionOptions)),
        (ClusterSettings.GrainDirectorySection, typeof(GrainDirectoryOptions)),
    ];

    /// <summary>Settings read one by one rather than bound.</summary>
    private static readonly string[] Singles =
        [ClusterSettings.DataPathSetting, ClusterSettings.DashboardSetting, MetricsHosting.OtlpEndpointSetting, MetricsHosting.ConsoleTracesSetting];

    /// <summary>The top-level sections checked: those of <see cref="Sections"/> and <see cref="Singles"/>.</summary>
    public static IEnumerable<string> CheckedSections =>
        Sections.Select(entry => entry.Section).Concat(Singles).Select(key => key.Split(':')[0]).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every setting the service reads under its sections, a list's name standing for its items.</summary>
    public static IEnumerable<string> Known
    {
        get
        {
            var (known, lists) = Describe();
            return known.Concat(lists);
        }
    }

    /// <summary>The settings under the service's sections that nothing takes.</summary>
    public static IEnumerable<UnreadSetting> In(IConfiguration configuration)
    {
        var (known, lists) = Describe();
        return CheckedSections
            // Left blank (an empty environment variable from a template) means the default, as an absent setting does.
            .SelectMany(root => configuration.GetSection(root).AsEnumerable().Where(pair => pair.Value is { Length: > 0 }).Select(pair => pair.Key))
            .Where(key => !known.Contains(key) && !lists.Exists(list => key.StartsWith(list + ":", StringComparison.OrdinalIgnoreCase)))
            // The binder takes a list's items only: a value given to the list itself is lost as surely as a misspelt name.
            .Select(key => new UnreadSetting(key, lists.Exists(list => string.Equals(list, key, StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>
    /// Logs each unread setting, naming it. Done before the host is built, with a logger of its own, so the
    /// warning comes before any refusal the misspelt setting causes (a connection string "not set").
    /// </summary>
    public static void WarnOfUnreadSettings(this WebApplicationBuilder builder)
    {
        var unread = In(builder.Configuration).ToList();
        if (unread.Count == 0)
        {
            return;
        }

        using var loggers = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddConsole());
        var logger = loggers.CreateLogger(typeof(UnreadSettings));
        foreach (var setting in unread)
        {
            if (setting.IsList)
            {
                logger.LogWarning("{Key} is a list: its items are set as {Key}:0, {Key}:1 and so on (a map's by name), and this value is ignored.", setting.Key, setting.Key, setting.Key);
            }
            else
            {
                logger.LogWarning("{Key} is no setting of this service and is ignored; the README lists the settings.", setting.Key);
            }
        }
    }

    private static (HashSet<string> Known, List<string> Lists) Describe()
    {
        var known = new HashSet<string>(Singles, StringComparer.OrdinalIgnoreCase);
        // Keys under a list or a map are its items, whatever their names.
        var lists = new List<string>();
        foreach (var (section, shape) in Sections)
        {
            Describe(section, shape, known, lists, depth: 0);
        }

        return (known, lists);
    }

    /// <summary>The binder's view of an options type: public instance properties, values from one string, lists, and nested options.</summary>
    private static void Describe(string prefix, Type shape, HashSet<string> known, List<string> lists, int depth)
    {
        foreach (var property in shape.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.GetIndexParameters().Length == 0))
        {
            var key = $"{prefix}:{property.Name}";
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
            {
                lists.Add(key);
            }
            else if (TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)))
            {
                if (property.SetMethod?.IsPublic == true)
                {
                    known.Add(key);
                }
            }
            else if (depth < 3 && !type.IsAbstract && !type.IsInterface && !typeof(Delegate).IsAssignableFrom(type))
            {
                // Nested options, as Storage:S3 (delegates and interfaces are set in code, not from settings).
                Describe(key, type, known, lists, depth + 1);
            }
        }
    }
}

/// <summary>A setting nothing reads; <see cref="IsList"/> when it names a list, whose items alone are read.</summary>
public sealed record UnreadSetting(string Key, bool IsList);
