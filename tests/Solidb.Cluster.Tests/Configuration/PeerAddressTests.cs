using Solidb.Cluster.Configuration;
using Xunit;

namespace Solidb.Cluster.Tests.Configuration;

public sealed class PeerAddressTests
{
    [Theory]
    [InlineData("node1:6745", "node1", 6745)]
    [InlineData(" 127.0.0.1:1 ", "127.0.0.1", 1)]
    [InlineData("[::1]:65535", "::1", 65535)]
    public void Valid_entries_parse(string text, string host, int port)
    {
        Assert.True(PeerAddress.TryParse(text, out var peer, out _));
        Assert.Equal(new PeerAddress(host, port), peer);
    }

    [Theory]
    [InlineData("node1:notaport", "invalid port 'notaport'")]
    [InlineData(":6745", "no host")]
    [InlineData("", "empty peer entry")]
    [InlineData("   ", "empty peer entry")]
    [InlineData("node1", "no port")]
    [InlineData("node1:0", "out of range")]
    [InlineData("node1:65536", "out of range")]
    [InlineData("node1:+5", "invalid port")]
    [InlineData("no de:5", "invalid host")]
    public void Invalid_entries_say_why(string text, string why)
    {
        Assert.False(PeerAddress.TryParse(text, out _, out var error));
        Assert.Contains(why, error);
    }

    [Fact]
    public void Duplicates_are_rejected_ignoring_host_case()
    {
        Assert.False(PeerAddress.TryParseList(["Node1:1", "node1:1"], out _, out var error));
        Assert.Contains("duplicate", error);
    }

    [Fact]
    public void Ordering_is_by_host_then_port()
    {
        var sorted = new[] { new PeerAddress("b", 1), new PeerAddress("a", 2), new PeerAddress("a", 1) }.Order().ToList();

        Assert.Equal([new PeerAddress("a", 1), new PeerAddress("a", 2), new PeerAddress("b", 1)], sorted);
    }

    [Fact]
    public void Ipv6_hosts_print_in_brackets()
    {
        Assert.Equal("[::1]:6745", new PeerAddress("::1", 6745).ToString());
    }
}
