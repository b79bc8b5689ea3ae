using Solidb.Cluster.Configuration;
using Xunit;

namespace Solidb.Cluster.Tests.Configuration;

/// <summary>Inputs the fuzzers found, each named after the input that broke start-up.</summary>
public sealed class ConfigFileFuzzRegressionTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    private SettingsException Refused(string text)
    {
        File.WriteAllText(_file, text);
        return Assert.Throws<SettingsException>(() => SolidbConfig.LoadFile(_file));
    }

    [Fact]
    public void Include_etc_passwd_is_refused_not_a_NullReferenceException() =>
        Assert.Contains("line 2: include is not supported", Refused("a = 1\ninclude \"/etc/passwd\"\n").Message);

    [Fact]
    public void Include_inside_an_object_is_refused() =>
        Assert.Contains("include is not supported", Refused("solidb { include file(\"/etc/hostname\") }").Message);

    [Fact]
    public void Self_substitution_port_eq_dollar_port_is_refused_not_a_stack_overflow() =>
        Assert.Contains("line 1: substitutions (${...}) are not supported", Refused("solidb.node.port = ${solidb.node.port}").Message);

    [Fact]
    public void Substitution_cycle_a_b_is_refused_not_a_stack_overflow() =>
        Assert.Contains("substitutions", Refused("a = ${b}\nb = ${a}").Message);

    [Fact]
    public void Dotted_key_of_100000_segments_is_refused_not_a_stack_overflow() =>
        Assert.Contains($"nested deeper than {HoconFileCheck.MaxDepth} levels",
            Refused("akka" + string.Concat(Enumerable.Repeat(".a", 100_000)) + " = 1").Message);

    [Fact]
    public void Objects_nested_100000_deep_are_refused_not_a_stack_overflow() =>
        Assert.Contains("nested deeper", Refused("solidb " + string.Concat(Enumerable.Repeat("{ a ", 100_000)) + "= 1" + new string('}', 100_000)).Message);

    [Fact]
    public void Arrays_nested_100000_deep_are_refused_not_a_stack_overflow() =>
        Assert.Contains("nested deeper", Refused("a = " + new string('[', 100_000) + new string(']', 100_000)).Message);

    [Fact]
    public void Dev_zero_is_refused_not_read_forever()
    {
        var e = Assert.Throws<SettingsException>(() => SolidbConfig.LoadFile("/dev/zero"));

        Assert.Equal($"invalid config file '/dev/zero': larger than {SolidbConfig.MaxFileChars / 1024} KiB", e.Message);
    }

    [Fact]
    public void Quoted_include_and_dollar_brace_and_nesting_within_the_limit_still_load()
    {
        File.WriteAllText(_file, "solidb.node.data-dir = \"/tmp/${x}/include \\\"y\\\"\"\n# include \"/etc/passwd\" ${a}\nakka.x = include\n" +
            "akka" + string.Concat(Enumerable.Repeat(".a", HoconFileCheck.MaxDepth - 1)) + " = 1\n");

        var settings = ClusterSettings.FromConfig(SolidbConfig.LoadFile(_file).WithFallback(SolidbConfig.Reference));

        Assert.Equal("/tmp/${x}/include \"y\"", settings.DataDir);
    }

    [Fact]
    public void Node_id_with_a_line_break_is_a_one_line_error()
    {
        File.WriteAllText(_file, "solidb.node.id = \"a\\nb\"");

        var e = Assert.Throws<SettingsException>(() => ClusterSettings.FromConfig(SolidbConfig.LoadFile(_file).WithFallback(SolidbConfig.Reference)));

        Assert.StartsWith("invalid value for solidb.node.id: 'a\\u000ab'", e.Message);
    }

    [Fact]
    public void Data_dir_x_NUL_y_is_refused_before_it_reaches_the_file_system()
    {
        File.WriteAllText(_file, "solidb.node.data-dir = \"x\\u0000y\"");

        var e = Assert.Throws<SettingsException>(() => ClusterSettings.FromConfig(SolidbConfig.LoadFile(_file).WithFallback(SolidbConfig.Reference)));

        Assert.Equal("invalid value for solidb.node.data-dir: 'x\\u0000y' (must not contain control characters)", e.Message);
    }

    [Fact]
    public void A_value_of_100000_characters_is_cut_in_the_message()
    {
        var e = SettingsException.Invalid("solidb.node.id", new string('a', 100_000), "too long");

        Assert.Equal($"invalid value for solidb.node.id: '{new string('a', UserText.MaxQuoted)}...(100000 chars)' (too long)", e.Message);
    }
}
