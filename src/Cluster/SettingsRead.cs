using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace OrleansUploads.Cluster;

/// <summary>
/// What a host reads of its settings: sections bound to options, and settings read one by one. The
/// configuration binder ignores a key no property has, so a misspelt name (<c>Uploads:MaxSizeByte</c>)
/// would leave its default in force without a word; <see cref="UnreadIn"/> names such keys.
/// </summary>
public sealed class SettingsRead((string Section, Type Shape)[] sections, string[] singles)
{
    /// <summary>What every host reads: the cluster's settings, Orleans' options under them, the dashboard switch.</summary>
    public static SettingsRead OfCluster { get; } = new(
        [
            (ClusterSettings.Section, typeof(ClusterSettings)),
            (ClusterSettings.MembershipSection, typeof(ClusterMembershipOptions)),
            (ClusterSettings.GatewaySection, typeof(GatewayOptions)),
            (ClusterSettings.RemindersSection, typeof(ReminderOptions)),
            (ClusterSettings.GrainCollectionSection, typeof(GrainCollectionOptions)),
            (ClusterSettings.GrainDirectorySection, typeof(GrainDirectoryOptions)),
        ],
        [ClusterSettings.DashboardSetting]);

    /// <summary>This and more, for a host that reads more sections than another.</summary>
    public SettingsRead With((string Section, Type Shape)[] moreSections, string[] moreSingles) =>
        new([.. sections, .. moreSections], [.. singles, .. moreSingles]);

    /// <summary>The top-level sections checked: every section this host reads, so only where it reads every key.</summary>
    public IEnumerable<string> CheckedSections =>
        sections.Select(entry => entry.Section).Concat(singles).Select(key => key.Split(':')[0]).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every setting read under the checked sections, a list's name standing for its items.</summary>
    public IEnumerable<string> Known
    {
        get
        {
            var (known, lists) = Describe();
            return known.Concat(lists);
        }
    }

    /// <summary>The settings under the checked sections that nothing takes.</summary>
    public IEnumerable<UnreadSetting> UnreadIn(IConfiguration configuration)
    {
        var (known, lists) = Describe();
        return CheckedSections
            // Left blank (an empty environment variable from a template) means the default, as an absent setting does.
            .SelectMany(root => configuration.GetSection(root).AsEnumerable().Where(pair => pair.Value is { Length: > 0 }).Select(pair => pair.Key))
            .Where(key => !known.Contains(key) && !lists.Exists(list => key.StartsWith(list + ":", StringComparison.OrdinalIgnoreCase)))
            // The binder takes a list's items only: a value given to the list itself is lost as surely as a misspelt name.
            .Select(key => new UnreadSetting(key, lists.Exists(list => string.Equals(list, key, StringComparison.OrdinalIgnoreCase))));
    }

    private (HashSet<string> Known, List<string> Lists) Describe()
    {
        var known = new HashSet<string>(singles, StringComparer.OrdinalIgnoreCase);
        // Keys under a list or a map are its items, whatever their names.
        var lists = new List<string>();
        foreach (var (section, shape) in sections)
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
