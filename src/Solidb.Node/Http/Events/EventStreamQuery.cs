using System.Globalization;
using Microsoft.Extensions.Primitives;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Configuration;

namespace Solidb.Node.Http.Events;

/// <summary>
/// The query of <c>GET /_api/cluster/events</c>: <c>since</c> (a non-negative integer: the last seq the consumer has),
/// <c>incarnation</c> (a positive integer, only with since; omitted: the node's current one) and <c>types</c>
/// (a comma-separated list of <see cref="EventTypes.All"/>; omitted or empty: every type). Other parameters are ignored.
/// </summary>
public sealed record EventStreamQuery(long? Since, long? Incarnation, IReadOnlySet<string>? Types)
{
    /// <summary>The query, or the one-line error naming the parameter and its value (quoted, bounded) for a 400.</summary>
    public static (EventStreamQuery? Query, string? Error) Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var values = query.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        var (since, sinceError) = Number(values, "since", 0, "a non-negative integer (the last seq received)");
        if (sinceError is not null)
        {
            return (null, sinceError);
        }

        var (incarnation, incarnationError) = Number(values, "incarnation", 1, "a positive integer (the node incarnation the since belongs to)");
        if (incarnationError is not null)
        {
            return (null, incarnationError);
        }

        if (incarnation is not null && since is null)
        {
            return (null, $"invalid incarnation '{incarnation}': only meaningful with since (resume with since=SEQ&incarnation={incarnation})");
        }

        var (types, typesError) = TypeList(values);
        return typesError is not null ? (null, typesError) : (new EventStreamQuery(since, incarnation, types), null);
    }

    private static (long? Value, string? Error) Number(Dictionary<string, StringValues> values, string name, long min, string expected)
    {
        if (!values.TryGetValue(name, out var raw))
        {
            return (null, null);
        }

        if (raw.Count != 1)
        {
            return (null, $"invalid {name}: given {raw.Count} times, expected once");
        }

        var text = raw[0] ?? "";
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min
            ? (value, null)
            : (null, $"invalid {name} '{UserText.Value(text)}': expected {expected}");
    }

    private static (IReadOnlySet<string>? Types, string? Error) TypeList(Dictionary<string, StringValues> values)
    {
        if (!values.TryGetValue("types", out var raw))
        {
            return (null, null);
        }

        var text = string.Join(",", raw.Select(v => v ?? ""));
        if (text.Length == 0)
        {
            return (null, null);
        }

        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in text.Split(','))
        {
            var type = name.Trim();
            if (!EventTypes.All.Contains(type, StringComparer.Ordinal))
            {
                return (null, $"invalid types: unknown event type '{UserText.Value(type)}' (expected a comma-separated list of {string.Join(", ", EventTypes.All)})");
            }

            set.Add(type);
        }

        return (set, null);
    }
}
