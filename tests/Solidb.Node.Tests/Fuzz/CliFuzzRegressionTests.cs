using Solidb.Cluster.Configuration;
using Solidb.Node.Cli;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests.Fuzz;

/// <summary>Command lines the fuzzer found, each named after the input that broke start-up.</summary>
public sealed class CliFuzzRegressionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private Exception Refused(params string[] args) =>
        Assert.Throws<SettingsException>(() => Program.Validate(CommandLine.Parse([.. args, "--data-dir", _dir.Sub("d")]), _ => null));

    [Fact]
    public void Host_of_300_characters_is_a_one_line_settings_error_not_ArgumentOutOfRangeException()
    {
        var e = Refused("--host", new string('a', 300), "--insecure"); // a DNS label is at most 63 characters

        Assert.StartsWith($"invalid value for --host: '{new string('a', UserText.MaxQuoted)}...(300 chars)' (is not a host name", e.Message);
    }

    [Theory]
    [InlineData("--public-host", "a..b")]
    [InlineData("--public-host", "a b")]
    [InlineData("--host", "[::1")]
    public void Host_that_cannot_be_in_a_URL_is_a_settings_error_not_UriFormatException_at_start(string option, string host)
    {
        // Found by the process fuzzer (SOLIDB_FUZZ_SEED=979896117): the node died with "UriFormatException: Invalid URI", exit 1.
        var e = Refused(option, host, "--insecure");

        Assert.Equal($"invalid value for {option}: '{host}' (is not a host name or IP address)", e.Message);
    }

    [Fact]
    public void A_config_file_given_as_the_admin_token_file_is_refused_before_the_start_and_the_fuzzers_oracle_knows_it()
    {
        // Found by the process fuzzer (SOLIDB_FUZZ_SEED=8722978): the node refused the file in one line, as it
        // should, but the fuzzer's model of start-up did not resolve the admin token and expected a running node.
        Directory.CreateDirectory(_dir.Path);
        var file = _dir.Sub("fuzz0.conf");
        File.WriteAllText(file, new string('#', 5000));
        var c = new CliCase(8722978, [$"--admin-token-file={file}"], new Dictionary<string, string> { ["SOLIDB_DATA_DIR"] = _dir.Sub("data") });

        var outcome = CliOutcome.Of(c);

        Assert.False(outcome.Valid);
        Assert.Equal($"--admin-token-file: corrupt file '{file}': longer than 4096 bytes", outcome.Error);
    }

    [Fact]
    public void Public_host_in_brackets_is_the_IPv6_address_inside()
    {
        var loaded = NodeConfiguration.Load(CommandLine.Parse(["--public-host", "[::1]", "--data-dir", _dir.Sub("v6")]), _ => null);

        Assert.Equal("::1", loaded.Settings.PublicHost);
    }

    [Fact]
    public void Data_dir_x_NUL_y_is_a_settings_error_not_ArgumentException()
    {
        var e = Assert.Throws<SettingsException>(() => Program.Validate(CommandLine.Parse(["--data-dir", "x\0y"]), _ => null));

        Assert.Equal("invalid value for --data-dir: 'x\\u0000y' (must not contain control characters)", e.Message);
    }

    [Fact]
    public void Unknown_argument_with_a_line_break_is_one_line()
    {
        var e = Assert.Throws<UsageException>(() => CommandLine.Parse(["a\nb"]));

        Assert.Equal("unexpected argument 'a\\u000ab' (see solidb --help)", e.Message);
    }

    [Fact]
    public void Data_dir_with_a_line_break_is_refused_before_DataDirectory_sees_it()
    {
        var e = Assert.Throws<SettingsException>(() => Program.Validate(CommandLine.Parse(["--data-dir", _dir.Sub("a\nb")]), _ => null));

        Assert.Contains("a\\u000ab' (must not contain control characters)", e.Message);
        Assert.False(Directory.Exists(_dir.Sub("a\nb")));
    }

    [Fact]
    public async Task Config_dev_zero_exits_2_with_one_line_instead_of_reading_forever()
    {
        var (code, _, stderr) = await SolidbProcess.RunAsync(["--config", "/dev/zero"], _dir.Sub("z"), timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.Equal($"solidb: error: invalid config file '/dev/zero': larger than {SolidbConfig.MaxFileChars / 1024} KiB", stderr.Trim());
    }

    [Fact]
    public async Task A_wrong_typed_akka_value_in_the_config_file_exits_2_with_one_line_not_a_stack_trace()
    {
        var file = Directory.CreateDirectory(_dir.Sub("cfg")).FullName + "/bad.conf";
        File.WriteAllText(file, "akka.cluster.gossip-interval = \"str\"\n");
        var (code, stdout, stderr) = await SolidbProcess.RunAsync(["--config", file], _dir.Sub("w"), timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.StartsWith("solidb: error: invalid akka setting in the configuration:", stderr.Trim());
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", stdout + stderr);
    }
}
