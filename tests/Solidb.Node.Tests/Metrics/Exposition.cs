using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Solidb.Node.Tests.Metrics;

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4, for tests: every sample belongs to the
/// family announced by the last HELP/TYPE pair, names and label names match the grammar, label
/// values are unescaped, each family appears once. Throws <see cref="FormatException"/> naming the line.
/// </summary>
public static partial class Exposition
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Family(string Name, string Type, string Help, List<Sample> Samples)
    {
        public double Value(string? label = null, string? value = null, string? suffix = null) =>
            Samples.Single(s => s.Name == Name + suffix && (label is null || s.Labels.GetValueOrDefault(label) == value)).Value;
    }

    public static Dictionary<string, Family> Parse(string text)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        Family? current = null;
        string? help = null;
        var lines = text.Split('\n');
        if (lines[^1] != "")
        {
            throw new FormatException("the exposition does not end with a line feed");
        }

        foreach (var (line, number) in lines[..^1].Select((l, i) => (l, i + 1)))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ', 2);
                Require(MetricName().IsMatch(parts[0]), number, line);
                help = Unescape(parts.Length > 1 ? parts[1] : "", number, line, quoted: false);
            }
            else if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Require(parts.Length == 2 && parts[1] is "counter" or "gauge" or "histogram" or "summary" or "untyped", number, line);
                Require(!families.ContainsKey(parts[0]), number, line + " (family repeated)");
                current = families[parts[0]] = new Family(parts[0], parts[1], help ?? throw new FormatException($"line {number}: TYPE without HELP"), []);
                help = null;
            }
            else
            {
                Require(line.Length > 0 && !line.StartsWith('#'), number, line);
                var sample = ParseSample(line, number);
                Require(current is not null && (sample.Name == current.Name
                    || current.Type == "histogram" && sample.Name is var n && (n == current.Name + "_bucket" || n == current.Name + "_sum" || n == current.Name + "_count")),
                    number, line + " (not in the family announced above)");
                current!.Samples.Add(sample);
            }
        }

        return families;
    }

    private static Sample ParseSample(string line, int number)
    {
        var match = SampleLine().Match(line);
        Require(match.Success, number, line);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = match.Groups["labels"].Value;
        while (rest.Length > 0)
        {
            var label = LabelPair().Match(rest);
            Require(label.Success && label.Index == 0, number, line);
            Require(labels.TryAdd(label.Groups["name"].Value, Unescape(label.Groups["value"].Value, number, line, quoted: true)), number, line);
            rest = rest[label.Length..];
        }

        var text = match.Groups["value"].Value;
        var value = text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"line {number}: {line}"),
        };
        return new Sample(match.Groups["name"].Value, labels, value);
    }

    private static string Unescape(string text, int number, string line, bool quoted)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                Require(!quoted || text[i] != '"', number, line);
                result.Append(text[i]);
                continue;
            }

            Require(i + 1 < text.Length, number, line);
            var escaped = text[++i];
            result.Append(escaped switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when quoted => '"',
                _ => throw new FormatException($"line {number}: bad escape in {line}"),
            });
        }

        return result.ToString();
    }

    private static void Require(bool condition, int number, string line)
    {
        if (!condition)
        {
            throw new FormatException($"line {number}: {line}");
        }
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^\n]*)\})? (?<value>\S+)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)",?""")]
    private static partial Regex LabelPair();
}
