using Solidb.Cluster.Admin;
using Solidb.Cluster.Configuration;
using Xunit;

namespace Solidb.Cluster.Tests.Admin;

public sealed class AdminTokenTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("solidb-admin-token-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void A_node_without_a_token_file_generates_32_random_bytes_base64url_into_the_data_dir_with_mode_0600()
    {
        var token = AdminToken.InDataDir(_dir.FullName);

        var path = Path.Combine(_dir.FullName, AdminToken.FileName);
        var text = File.ReadAllText(path).Trim();
        Assert.True(token.Generated);
        Assert.Equal(path, token.Path);
        Assert.Equal(43, text.Length); // 32 bytes, base64 without padding
        Assert.Matches("^[A-Za-z0-9_-]+$", text);
        Assert.True(token.Matches(text));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void A_generated_token_is_reused_on_the_next_start_and_differs_between_data_dirs()
    {
        var first = AdminToken.InDataDir(_dir.FullName);
        var text = File.ReadAllText(first.Path).Trim();

        var again = AdminToken.InDataDir(_dir.FullName);
        var other = Directory.CreateTempSubdirectory("solidb-admin-token-other-");
        try
        {
            var elsewhere = AdminToken.InDataDir(other.FullName);
            Assert.False(again.Generated);
            Assert.True(again.Matches(text));
            Assert.False(elsewhere.Matches(text));
        }
        finally
        {
            other.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_given_file_is_trimmed_and_its_token_matches_only_exactly()
    {
        var secret = new string('k', 31) + "Z";
        var token = AdminToken.Load(Write("token", $"  {secret}\n\n"), "--admin-token-file");

        Assert.True(token.Matches(secret));
        Assert.False(token.Matches(secret + "x"));
        Assert.False(token.Matches(secret[..^1]));
        Assert.False(token.Matches(secret.ToLowerInvariant()));
        Assert.False(token.Matches(""));
        Assert.False(token.Matches(null));
        Assert.DoesNotContain(secret, token.ToString());
    }

    [Theory]
    [InlineData("short-token", "is 11 characters long; it must have at least 32")]
    [InlineData("", "is 0 characters long")]
    [InlineData("aaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbb", "visible ASCII characters only")]
    [InlineData("aaaaaaaaaaaaaaaa\nbbbbbbbbbbbbbbbbbbbbbbbbbbb", "visible ASCII characters only")]
    [InlineData("ääääääääääääääääääääääääääääääääääää", "visible ASCII characters only")]
    public void A_bad_token_file_is_refused_in_one_line_naming_the_flag_and_the_file(string content, string why)
    {
        var path = Write("token", content);

        var e = Assert.Throws<SettingsException>(() => AdminToken.Load(path, "--admin-token-file"));

        Assert.StartsWith("--admin-token-file: the admin token in", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains(why, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_token_file_is_refused_in_one_line()
    {
        var path = Path.Combine(_dir.FullName, "nope");

        var e = Assert.Throws<SettingsException>(() => AdminToken.Resolve(new HttpSettings { AdminTokenFile = path }, _dir.FullName));

        Assert.Equal($"--admin-token-file: the admin token file '{path}' does not exist", e.Message);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, AdminToken.FileName))); // a given file is never replaced by a generated one
    }

    [Fact]
    public void A_corrupt_generated_token_is_refused_rather_than_replaced()
    {
        Write(AdminToken.FileName, "x");

        var e = Assert.Throws<SettingsException>(() => AdminToken.InDataDir(_dir.FullName));

        Assert.Contains("the data dir's admin token", e.Message);
        Assert.Equal("x", File.ReadAllText(Path.Combine(_dir.FullName, AdminToken.FileName)));
    }

    [Theory]
    [InlineData("Bearer abc", "abc")]
    [InlineData("bearer   abc  ", "abc")]
    [InlineData("Bearer ", null)]
    [InlineData("Basic abc", null)]
    [InlineData("Bearerabc", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_token_is_taken_from_a_Bearer_authorization_header_only(string? header, string? expected) =>
        Assert.Equal(expected, AdminToken.FromAuthorization(header));
}
