using CsCheck;
using Solidb.Cluster.Clock;
using Xunit;

namespace Solidb.Cluster.Tests.Clock;

public sealed class HlcTimestampTests
{
    private static readonly Gen<HlcTimestamp> GenTimestamp =
        Gen.Select(Gen.ULong, Gen.UInt, (p, l) => new HlcTimestamp(p, l));

    // Pairs that often share the physical part, so the logical tie-break is exercised too.
    private static readonly Gen<(HlcTimestamp, HlcTimestamp)> GenPair =
        Gen.Select(GenTimestamp, GenTimestamp, Gen.Bool, (a, b, samePhysical) =>
            (a, samePhysical ? new HlcTimestamp(a.Physical, b.Logical) : b));

    [Fact]
    public void Binary_encoding_round_trips()
    {
        GenTimestamp.Sample(ts =>
        {
            Span<byte> bytes = stackalloc byte[HlcTimestamp.Size];
            ts.WriteTo(bytes);
            Assert.Equal(ts, HlcTimestamp.ReadFrom(bytes));
        });
    }

    [Fact]
    public void Binary_encoding_is_big_endian_physical_then_logical()
    {
        var bytes = new byte[HlcTimestamp.Size];
        new HlcTimestamp(0x0102030405060708, 0x090a0b0c).WriteTo(bytes);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, bytes);
    }

    [Fact]
    public void Byte_order_equals_timestamp_order()
    {
        GenPair.Sample((a, b) =>
        {
            var x = new byte[HlcTimestamp.Size];
            var y = new byte[HlcTimestamp.Size];
            a.WriteTo(x);
            b.WriteTo(y);
            Assert.Equal(Math.Sign(a.CompareTo(b)), Math.Sign(x.AsSpan().SequenceCompareTo(y)));
        });
    }

    [Fact]
    public void Short_spans_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new HlcTimestamp(1, 2).WriteTo(new byte[HlcTimestamp.Size - 1]));
        Assert.Throws<ArgumentException>(() => HlcTimestamp.ReadFrom(new byte[HlcTimestamp.Size - 1]));
    }

    [Fact]
    public void Text_round_trips()
    {
        GenTimestamp.Sample(ts =>
        {
            string text = ts.ToString();
            Assert.Equal(ts, HlcTimestamp.Parse(text));
            Assert.True(HlcTimestamp.TryParse(text, out var parsed));
            Assert.Equal(ts, parsed);
        });
    }

    [Fact]
    public void Text_is_fixed_width_lowercase_hex()
    {
        Assert.Equal("0000018f2a3b4c5d-0000000a", new HlcTimestamp(0x18f2a3b4c5d, 10).ToString());
        Assert.Equal("ffffffffffffffff-ffffffff", new HlcTimestamp(ulong.MaxValue, uint.MaxValue).ToString());
        Assert.Equal("0000000000000000-00000000", HlcTimestamp.Zero.ToString());
    }

    [Fact]
    public void Text_order_equals_timestamp_order()
    {
        GenPair.Sample((a, b) =>
            Assert.Equal(Math.Sign(a.CompareTo(b)), Math.Sign(string.CompareOrdinal(a.ToString(), b.ToString()))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0000018f2a3b4c5d-0000000")] // too short
    [InlineData("0000018f2a3b4c5d-0000000a0")] // too long
    [InlineData("0000018f2a3b4c5d00000000a")] // dash missing, right length
    [InlineData("0000018f2a3b4c5d_0000000a")] // wrong separator
    [InlineData("0000018f2a3b4c5g-0000000a")] // non-hex physical
    [InlineData("0000018f2a3b4c5d-0000000z")] // non-hex logical
    [InlineData("0000018F2A3B4C5D-0000000A")] // uppercase is not the canonical spelling
    [InlineData(" 000018f2a3b4c5d-0000000a")]
    [InlineData("-000018f2a3b4c5d-0000000a")]
    public void Parse_rejects_malformed_text(string text)
    {
        Assert.False(HlcTimestamp.TryParse(text, out var result));
        Assert.Equal(HlcTimestamp.Zero, result);
        var error = Assert.Throws<FormatException>(() => HlcTimestamp.Parse(text));
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_rejects_null()
    {
        Assert.False(HlcTimestamp.TryParse(null, out _));
        Assert.Throws<ArgumentNullException>(() => HlcTimestamp.Parse(null!));
    }

    [Fact]
    public void Order_is_physical_then_logical()
    {
        var a = new HlcTimestamp(5, uint.MaxValue);
        var b = new HlcTimestamp(6, 0);
        var c = new HlcTimestamp(6, 1);
        Assert.True(a < b && b < c && a < c);
        Assert.True(c > b && c >= b && b <= c && a != b);
        Assert.True(b >= new HlcTimestamp(6, 0) && b <= new HlcTimestamp(6, 0));
        Assert.True(new HlcTimestamp(6, 1) == c);
        Assert.Equal(c.GetHashCode(), new HlcTimestamp(6, 1).GetHashCode());
        Assert.Equal(0, b.CompareTo(new HlcTimestamp(6, 0)));
    }

    [Fact]
    public void ToDateTimeOffset_returns_the_physical_millisecond()
    {
        var at = new DateTimeOffset(2025, 6, 1, 12, 0, 0, 123, TimeSpan.Zero);
        Assert.Equal(at, new HlcTimestamp((ulong)at.ToUnixTimeMilliseconds(), 42).ToDateTimeOffset());
        Assert.Throws<ArgumentOutOfRangeException>(() => new HlcTimestamp(ulong.MaxValue, 0).ToDateTimeOffset());
    }
}
