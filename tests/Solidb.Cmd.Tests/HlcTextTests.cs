using Solidb.Cluster.Client;

namespace Solidb.Cmd.Tests;

public class HlcTextTests
{
    [Fact]
    public void The_node_form_parses_and_prints_back_the_same()
    {
        var hlc = HlcText.Parse("000001a2167c41c0-00000003");

        Assert.Equal(0x1a2167c41c0UL, hlc.Physical);
        Assert.Equal(3U, hlc.Logical);
        Assert.Equal("000001a2167c41c0-00000003", hlc.ToString());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(0x1a2167c41c0), hlc.Time);
    }

    [Theory]
    [InlineData("")]
    [InlineData("000001a2167c41c0")]
    [InlineData("000001A2167C41C0-00000003")]
    [InlineData("000001a2167c41c0_00000003")]
    [InlineData("000001a2167c41c0-0000003")]
    [InlineData("000001a2167c41c0-000000003")]
    [InlineData("00000 a2167c41c0-00000003")]
    public void Anything_else_is_refused(string text)
    {
        Assert.False(HlcText.TryParse(text, out _));
        Assert.Throws<FormatException>(() => HlcText.Parse(text));
    }

    [Fact]
    public void Order_is_physical_then_logical_as_the_text_order()
    {
        string[] texts = ["000001a2167c41c1-00000000", "000001a2167c41c0-00000002", "000001a2167c41c0-00000010", "000001a2167c41c0-00000001"];

        var byValue = texts.OrderBy(HlcText.Parse).ToList();

        Assert.Equal(texts.Order(StringComparer.Ordinal), byValue);
        Assert.Equal(0, HlcText.Parse(texts[0]).CompareTo(HlcText.Parse(texts[0])));
    }

    [Fact]
    public void A_physical_part_beyond_year_9999_has_no_time()
    {
        Assert.Null(HlcText.Parse("ffffffffffffffff-00000000").Time);
    }
}
