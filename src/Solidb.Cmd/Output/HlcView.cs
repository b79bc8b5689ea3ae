using System.Globalization;
using Solidb.Cluster.Client;

namespace Solidb.Cmd.Output;

/// <summary>An HLC timestamp taken apart (<c>hlc parse</c>, <c>hlc now</c>; also their <c>--json</c>).</summary>
/// <param name="Time">The physical part as UTC time (ISO 8601); null beyond year 9999.</param>
public sealed record HlcView(string Hlc, string? Time, ulong PhysicalMs, uint Logical, string PhysicalHex, string LogicalHex)
{
    public static HlcView Of(HlcText hlc)
    {
        var text = hlc.ToString();
        return new HlcView(text, hlc.Time is { } t ? Format.Time(t) : null, hlc.Physical, hlc.Logical, text[..16], text[17..]);
    }

    public TableData Table() => TableData.Fields(
        ("hlc", Hlc),
        ("time", Time ?? "beyond year 9999"),
        ("physical ms", PhysicalMs.ToString(CultureInfo.InvariantCulture) + " (0x" + PhysicalHex + ")"),
        ("logical", Logical.ToString(CultureInfo.InvariantCulture) + " (0x" + LogicalHex + ")"));
}

/// <summary><c>hlc compare</c>'s answer: <c>order</c> is earlier, later or equal (a against b).</summary>
public sealed record HlcComparison(string A, string B, string Order, int Comparison)
{
    public static HlcComparison Of(HlcText a, HlcText b)
    {
        var c = Math.Sign(a.CompareTo(b));
        return new HlcComparison(a.ToString(), b.ToString(), c < 0 ? "earlier" : c > 0 ? "later" : "equal", c);
    }

    public string Line() => Comparison switch
    {
        < 0 => $"{A} is earlier than {B}",
        > 0 => $"{A} is later than {B}",
        _ => $"{A} equals {B}",
    };
}
