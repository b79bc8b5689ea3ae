using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Membership;

public sealed class NodeIdTests
{
    [Theory]
    [InlineData("node3")]
    [InlineData("a")]
    [InlineData("db-1.eu_west")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Valid_ids_parse(string text) => Assert.Equal(text, NodeId.Parse(text).Value);

    [Theory]
    [InlineData("", "empty")]
    [InlineData(null, "empty")]
    [InlineData("node 3", "contains ' '")]
    [InlineData("node/3", "contains '/'")]
    [InlineData("nöde", "contains 'ö'")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234", "65 characters")]
    public void Invalid_ids_are_rejected_with_a_reason(string? text, string reason)
    {
        Assert.False(NodeId.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
        Assert.Throws<FormatException>(() => NodeId.Parse(text));
    }
}
