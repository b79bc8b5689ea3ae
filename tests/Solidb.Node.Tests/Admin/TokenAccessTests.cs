using Microsoft.AspNetCore.Http;
using Solidb.Cluster.Admin;
using Solidb.Node.Http.Admin;
using Xunit;

namespace Solidb.Node.Tests.Admin;

public sealed class TokenAccessTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("solidb-token-access-");
    private readonly AdminToken _token;
    private readonly string _secret;

    public TokenAccessTests()
    {
        _token = AdminToken.InDataDir(_dir.FullName);
        _secret = File.ReadAllText(_token.Path).Trim();
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private TokenRefusal? Check(TokenNeed need, bool reads, params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        return TokenAccess.Check(need, dictionary, _token, reads);
    }

    [Fact]
    public void The_right_bearer_token_passes_an_admin_endpoint() =>
        Assert.Null(Check(TokenNeed.Admin, false, ("Authorization", $"Bearer {_secret}")));

    [Fact]
    public void A_missing_token_is_401_with_a_Bearer_challenge()
    {
        var refusal = Check(TokenNeed.Admin, false)!;

        Assert.Equal(401, refusal.Status);
        Assert.Equal("Bearer", refusal.Challenge);
    }

    [Theory]
    [InlineData("Bearer wrong")]
    [InlineData("Basic xyz")]
    public void A_wrong_token_is_401_invalid_token(string header)
    {
        var refusal = Check(TokenNeed.Admin, false, ("Authorization", header.Replace("xyz", "x")))!;

        Assert.Equal(401, refusal.Status);
        Assert.NotNull(refusal.Challenge);
    }

    [Theory]
    [InlineData("Origin", "http://127.0.0.1:6746")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "CROSS-SITE")]
    public void A_browser_request_is_403_even_with_the_right_token(string header, string value)
    {
        var refusal = Check(TokenNeed.Admin, false, ("Authorization", $"Bearer {_secret}"), (header, value))!;

        Assert.Equal(403, refusal.Status);
        Assert.Null(refusal.Challenge);
    }

    [Fact]
    public void Sec_fetch_site_same_origin_or_none_is_no_browser_refusal() =>
        Assert.Null(Check(TokenNeed.Admin, false, ("Authorization", $"Bearer {_secret}"), ("Sec-Fetch-Site", "none")));

    [Fact]
    public void Reads_need_nothing_unless_require_token_for_reads_is_on()
    {
        Assert.Null(Check(TokenNeed.Read, reads: false));
        Assert.Equal(401, Check(TokenNeed.Read, reads: true)!.Status);
        Assert.Null(Check(TokenNeed.Read, reads: true, ("Authorization", $"Bearer {_secret}")));
        Assert.Null(Check(TokenNeed.Read, reads: true, ("Authorization", $"Bearer {_secret}"), ("Origin", "http://x")));
    }
}
