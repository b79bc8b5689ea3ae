using System.Globalization;

namespace Solidb.Cluster.Client;

/// <summary>
/// An HLC timestamp as the node writes it (<c>hlc</c>, <c>elected_at</c>, events' <c>hlc</c>):
/// <c>{physical ms since the Unix epoch:x16}-{logical counter:x8}</c>, lowercase, so text order is timestamp order.
/// Read here without the cluster module; ordered by (<see cref="Physical"/>, <see cref="Logical"/>).
/// </summary>
public readonly record struct HlcText(ulong Physical, uint Logical) : IComparable<HlcText>
{
    private const int TextLength = 25;

    /// <summary>The physical part as a point in time (UTC); null beyond year 9999.</summary>
    public DateTimeOffset? Time =>
        Physical > (ulong)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)Physical);

    /// <exception cref="FormatException">The text is not exactly the node's form.</exception>
    public static HlcText Parse(string text) =>
        TryParse(text, out var result)
            ? result
            : throw new FormatException($"'{text}' is not an HLC timestamp (expected 16 lowercase hex digits, '-', 8 lowercase hex digits, e.g. 000001a2167c41c0-00000000)");

    public static bool TryParse(string? text, out HlcText result)
    {
        result = default;
        if (text is null || text.Length != TextLength || text[16] != '-'
            || !TryParseHex(text.AsSpan(0, 16), out var physical) || !TryParseHex(text.AsSpan(17), out var logical))
        {
            return false;
        }

        result = new HlcText(physical, (uint)logical);
        return true;
    }

    public int CompareTo(HlcText other)
    {
        var byPhysical = Physical.CompareTo(other.Physical);
        return byPhysical != 0 ? byPhysical : Logical.CompareTo(other.Logical);
    }

    public override string ToString() =>
        Physical.ToString("x16", CultureInfo.InvariantCulture) + "-" + Logical.ToString("x8", CultureInfo.InvariantCulture);

    private static bool TryParseHex(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (var c in digits)
        {
            int nibble = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                _ => -1,
            };
            if (nibble < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)nibble;
        }

        return true;
    }
}
