using System.Globalization;
using Solidb.Cluster.Client;

namespace Solidb.Cmd.Output;

/// <summary>How values are written in tables and lines: "-" for none, units spelled out, invariant culture.</summary>
public static class Format
{
    public const string None = "-";

    public static string Ago(long? ms) => ms switch
    {
        null => None,
        < 1000 => $"{ms} ms ago",
        _ => string.Create(CultureInfo.InvariantCulture, $"{ms.Value / 1000.0:0.0} s ago"),
    };

    public static string Rtt(double? ms) => ms is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.0} ms") : None;

    public static string Offset(long? ms) => ms is { } v ? (v > 0 ? "+" : "") + v.ToString(CultureInfo.InvariantCulture) + " ms" : None;

    public static string YesNo(bool value) => value ? "yes" : "no";

    public static string List(IReadOnlyList<string>? items) => items is { Count: > 0 } ? string.Join(",", items) : None;

    public static string Time(DateTimeOffset? at) => at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : None;

    /// <summary>An HLC timestamp with its time: <c>000001a2167c41c0-00000003 (2026-11-26T05:47:33.880Z +3)</c>; the text alone when it does not parse.</summary>
    public static string Hlc(string? text) =>
        text is null ? None
        : HlcText.TryParse(text, out var hlc) ? $"{text} ({Time(hlc.Time)} +{hlc.Logical})"
        : text;
}
