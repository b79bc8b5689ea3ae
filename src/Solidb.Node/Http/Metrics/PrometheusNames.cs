using System.Diagnostics.Metrics;
using System.Text;

namespace Solidb.Node.Http.Metrics;

/// <summary>
/// An instrument's Prometheus name, by the convention OpenTelemetry's Prometheus exporter follows:
/// characters outside <c>[a-zA-Z0-9_:]</c> become <c>_</c>, the unit in base units is a suffix
/// (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>; annotations such as <c>{member}</c> and
/// <c>1</c> add none), and counters end in <c>_total</c>.
/// </summary>
public static class PrometheusNames
{
    public static string For(Instrument instrument) => For(instrument.Name, instrument.Unit, TypeOf(instrument) == MetricType.Counter);

    public static string For(string name, string? unit, bool counter)
    {
        var builder = new StringBuilder(name.Length + 16);
        foreach (var c in name)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        var result = builder.ToString();
        if (UnitSuffix(unit) is { } suffix && !result.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            result += "_" + suffix;
        }

        return counter && !result.EndsWith("_total", StringComparison.Ordinal) ? result + "_total" : result;
    }

    public static MetricType TypeOf(Instrument instrument)
    {
        var type = instrument.GetType();
        var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return generic == typeof(Counter<>) || generic == typeof(ObservableCounter<>) ? MetricType.Counter
            : generic == typeof(Histogram<>) ? MetricType.Histogram
            : MetricType.Gauge; // gauges and up-down counters
    }

    private static string? UnitSuffix(string? unit) => unit switch
    {
        "s" => "seconds",
        "ms" => "milliseconds", // not used by this module (base units only), kept so a foreign instrument keeps its unit
        "By" => "bytes",
        _ => null,
    };
}
