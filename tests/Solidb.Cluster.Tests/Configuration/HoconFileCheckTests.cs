using Akka.Configuration;
using Solidb.Cluster.Configuration;
using Xunit;

namespace Solidb.Cluster.Tests.Configuration;

public sealed class HoconFileCheckTests
{
    [Theory]
    [InlineData("solidb { node { port = 1 }\n", "line 1: '{' is never closed")]
    [InlineData("a = [1, 2", "line 1: '[' is never closed")]
    [InlineData("a = 1\nb = }", "line 2: unexpected '}'")]
    [InlineData("a = \"open\nb = 2", "line 1: unterminated string")]
    [InlineData("a = \"\"\"never", "unterminated \"\"\" string")]
    [InlineData("a = [ { ] }", "line 1: unexpected ']'")]
    public void Structural_errors_are_reported_with_the_line(string text, string expected) =>
        Assert.Contains(expected, HoconFileCheck.SyntaxError(text));

    [Theory]
    [InlineData("solidb { node { port = 1 } }")]
    [InlineData("# a comment with { and \"\nsolidb.node.id = \"x{\" // trailing }\n")]
    [InlineData("a = \"\"\"multi\n{ line\"\"\"\nb = \"esc \\\" }\"")]
    public void Valid_files_pass(string text) => Assert.Null(HoconFileCheck.SyntaxError(text));

    [Fact]
    public void The_reference_itself_passes() => Assert.Null(HoconFileCheck.SyntaxError(SolidbConfig.ReferenceText));

    [Fact]
    public void Misspelled_keys_under_solidb_are_found()
    {
        var user = ConfigurationFactory.ParseString("solidb { health { hearbeat-interval = 2s, failure-threshold = 6 }\n nodes.port = 1 }");

        Assert.Equal(["solidb.health.hearbeat-interval", "solidb.nodes"], HoconFileCheck.UnknownSolidbKeys(user, SolidbConfig.Reference));
    }

    [Fact]
    public void A_file_with_a_misspelled_key_is_refused_naming_the_key()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "solidb.health.hearbeat-interval = 2s\n");
        try
        {
            var e = Assert.Throws<SettingsException>(() => SolidbConfig.LoadFile(file));

            Assert.Contains("unknown setting solidb.health.hearbeat-interval", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
