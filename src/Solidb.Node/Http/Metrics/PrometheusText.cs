using System.Globalization;
using System.Text;

namespace Solidb.Node.Http.Metrics;

/// <summary>The Prometheus text exposition format, version 0.0.4.</summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IReadOnlyList<MetricFamily> families)
    {
        var text = new StringBuilder(families.Count * 160);
        foreach (var family in families)
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type switch
            {
                MetricType.Counter => "counter",
                MetricType.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');
            foreach (var sample in family.Samples)
            {
                if (family.Type == MetricType.Histogram)
                {
                    WriteHistogram(text, family.Name, sample);
                }
                else
                {
                    Line(text, family.Name, sample.Labels, null, Number(sample.Value));
                }
            }
        }

        return text.ToString();
    }

    private static void WriteHistogram(StringBuilder text, string name, MetricSample sample)
    {
        var bounds = sample.Bounds ?? [];
        var buckets = sample.Buckets ?? [];
        long cumulative = 0;
        for (var i = 0; i < buckets.Count; i++)
        {
            cumulative += buckets[i];
            Line(text, name + "_bucket", sample.Labels, i < bounds.Count ? Number(bounds[i]) : "+Inf", cumulative.ToString(CultureInfo.InvariantCulture));
        }

        Line(text, name + "_sum", sample.Labels, null, Number(sample.Value));
        Line(text, name + "_count", sample.Labels, null, sample.Count.ToString(CultureInfo.InvariantCulture));
    }

    private static void Line(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, string value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                text.Append(first ? "" : ",").Append(key).Append("=\"").Append(EscapeLabel(labelValue)).Append('"');
                first = false;
            }

            if (le is not null)
            {
                text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(value).Append('\n');
    }

    /// <summary>A sample value: integers without a fraction, others shortest round-trip, and Prometheus' spellings of the infinities and NaN.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeLabel(string value) => EscapeHelp(value).Replace("\"", "\\\"", StringComparison.Ordinal);
}
