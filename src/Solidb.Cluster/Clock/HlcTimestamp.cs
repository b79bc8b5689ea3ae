using System.Buffers.Binary;
using System.Globalization;

namespace Solidb.Cluster.Clock;

/// <summary>
/// A hybrid logical clock timestamp: milliseconds since the Unix epoch plus a logical counter that
/// orders events within (or ahead of) one millisecond. Ordered by (<see cref="Physical"/>, <see cref="Logical"/>).
/// </summary>
public readonly struct HlcTimestamp : IEquatable<HlcTimestamp>, IComparable<HlcTimestamp>
{
    /// <summary>Encoded size in bytes: 8 bytes physical then 4 bytes logical, both big-endian.</summary>
    public const int Size = 12;

    // "{physical:x16}-{logical:x8}"
    private const int TextLength = 25;

    public static readonly HlcTimestamp Zero;

    public HlcTimestamp(ulong physical, uint logical)
    {
        Physical = physical;
        Logical = logical;
    }

    /// <summary>Milliseconds since 1970-01-01T00:00:00Z.</summary>
    public ulong Physical { get; }

    public uint Logical { get; }

    /// <summary>The physical part as a point in time; the logical part is dropped.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The physical part is beyond year 9999.</exception>
    public DateTimeOffset ToDateTimeOffset() =>
        Physical > (ulong)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? throw new ArgumentOutOfRangeException(nameof(Physical), Physical, "Physical time is beyond DateTimeOffset.MaxValue.")
            : DateTimeOffset.FromUnixTimeMilliseconds((long)Physical);

    /// <summary>Writes the big-endian encoding, whose byte order equals timestamp order.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"An HLC timestamp needs {Size} bytes; the span has {destination.Length}.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, Physical);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Logical);
    }

    public static HlcTimestamp ReadFrom(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            throw new ArgumentException($"An HLC timestamp needs {Size} bytes; the span has {source.Length}.", nameof(source));
        }

        return new HlcTimestamp(
            BinaryPrimitives.ReadUInt64BigEndian(source),
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]));
    }

    /// <summary>Fixed-width lowercase hex, <c>{physical:x16}-{logical:x8}</c>, so ordinal text order equals timestamp order.</summary>
    public override string ToString() =>
        string.Create(TextLength, this, static (chars, ts) =>
        {
            ts.Physical.TryFormat(chars[..16], out _, "x16", CultureInfo.InvariantCulture);
            chars[16] = '-';
            ts.Logical.TryFormat(chars[17..], out _, "x8", CultureInfo.InvariantCulture);
        });

    /// <summary>Parses exactly the <see cref="ToString"/> form (lowercase hex only, so each timestamp has one spelling).</summary>
    /// <exception cref="FormatException">The text is not in that form.</exception>
    public static HlcTimestamp Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var result)
            ? result
            : throw new FormatException($"'{text}' is not an HLC timestamp; expected 16 lowercase hex digits, '-', 8 lowercase hex digits.");
    }

    /// <summary>The text form is the client library's (<see cref="Client.HlcText"/>): one spelling, one parser.</summary>
    public static bool TryParse(string? text, out HlcTimestamp result)
    {
        var parsed = Client.HlcText.TryParse(text, out var t);
        result = parsed ? new HlcTimestamp(t.Physical, t.Logical) : default;
        return parsed;
    }

    public int CompareTo(HlcTimestamp other)
    {
        int byPhysical = Physical.CompareTo(other.Physical);
        return byPhysical != 0 ? byPhysical : Logical.CompareTo(other.Logical);
    }

    public bool Equals(HlcTimestamp other) => Physical == other.Physical && Logical == other.Logical;

    public override bool Equals(object? obj) => obj is HlcTimestamp other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Physical, Logical);

    public static bool operator ==(HlcTimestamp left, HlcTimestamp right) => left.Equals(right);

    public static bool operator !=(HlcTimestamp left, HlcTimestamp right) => !left.Equals(right);

    public static bool operator <(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) < 0;

    public static bool operator >(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) > 0;

    public static bool operator <=(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) <= 0;

    public static bool operator >=(HlcTimestamp left, HlcTimestamp right) => left.CompareTo(right) >= 0;
}
