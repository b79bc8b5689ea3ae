using System.Text;

namespace Solidb.Cmd.Commands;

/// <summary>One sample of a Prometheus text exposition: <c>name{labels} value</c>.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, string Value);

/// <summary>Reads the samples of a Prometheus text exposition (<c>node metrics --json</c>); comments and blank lines are skipped.</summary>
public static class PrometheusText
{
    /// <exception cref="FormatException">A line is not a sample.</exception>
    public static IReadOnlyList<MetricSample> Samples(string text)
    {
        var samples = new List<MetricSample>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var i = 0;
            while (i < line.Length && line[i] is not ('{' or ' ' or '\t'))
            {
                i++;
            }

            var name = line[..i];
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (i < line.Length && line[i] == '{')
            {
                i = ReadLabels(line, i + 1, labels, lineNumber);
            }

            var rest = line[i..].Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (name.Length == 0 || rest.Length is 0 or > 2)
            {
                throw new FormatException($"line {lineNumber} is not a sample: '{line}'");
            }

            samples.Add(new MetricSample(name, labels, rest[0]));
        }

        return samples;
    }

    private static int ReadLabels(string line, int i, Dictionary<string, string> labels, int lineNumber)
    {
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or ',')
            {
                i++;
            }

            if (i < line.Length && line[i] == '}')
            {
                return i + 1;
            }

            var eq = line.IndexOf('=', i);
            if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"')
            {
                throw new FormatException($"line {lineNumber} has a malformed label: '{line}'");
            }

            var key = line[i..eq].Trim();
            var value = new StringBuilder();
            i = eq + 2;
            for (; i < line.Length && line[i] != '"'; i++)
            {
                if (line[i] == '\\' && i + 1 < line.Length)
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }
            }

            if (i >= line.Length)
            {
                throw new FormatException($"line {lineNumber} has an unterminated label value: '{line}'");
            }

            labels[key] = value.ToString();
            i++;
        }
    }
}
