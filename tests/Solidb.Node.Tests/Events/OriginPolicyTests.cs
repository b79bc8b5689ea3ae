using Solidb.Node.Http.Events;
using Xunit;

namespace Solidb.Node.Tests.Events;

public class OriginPolicyTests
{
    [Theory]
    [InlineData(null, "http", "127.0.0.1:6746")]
    [InlineData("", "http", "127.0.0.1:6746")]
    [InlineData("http://127.0.0.1:6746", "http", "127.0.0.1:6746")]
    [InlineData("HTTP://LOCALHOST:6746", "http", "localhost:6746")]
    [InlineData("https://db.example.com", "https", "db.example.com:443")]
    [InlineData("http://db.example.com:80", "http", "db.example.com")]
    [InlineData("http://[::1]:6746", "http", "[::1]:6746")]
    public void No_origin_or_the_same_origin_passes(string? origin, string scheme, string host) =>
        Assert.True(OriginPolicy.Allows(origin, scheme, host));

    [Theory]
    [InlineData("http://evil.example", "http", "127.0.0.1:6746")]
    [InlineData("http://127.0.0.1:8080", "http", "127.0.0.1:6746")]
    [InlineData("https://127.0.0.1:6746", "http", "127.0.0.1:6746")]
    [InlineData("http://127.0.0.1", "http", "127.0.0.1:6746")]
    [InlineData("null", "http", "127.0.0.1:6746")]
    [InlineData("not a url", "http", "127.0.0.1:6746")]
    [InlineData("http://127.0.0.1:6746/page", "http", "127.0.0.1:6746")]
    [InlineData("http://127.0.0.1:6746", "http", "")]
    [InlineData("http://127.0.0.1.evil.example:6746", "http", "127.0.0.1:6746")]
    public void Another_site_is_refused(string origin, string scheme, string host) =>
        Assert.False(OriginPolicy.Allows(origin, scheme, host));
}
