using System.Text.RegularExpressions;
using Solidb.Cluster.Configuration;
using Xunit;

namespace Solidb.Cluster.Tests.Configuration;

public sealed class ReferenceConfigTests
{
    [Fact]
    public void Reference_config_parses_to_the_documented_defaults()
    {
        var s = ClusterSettings.FromConfig(SolidbConfig.Reference);

        Assert.Null(s.NodeId);
        Assert.Equal("127.0.0.1", s.Host);
        Assert.Equal("127.0.0.1", s.PublicHost);
        Assert.Equal(6745, s.Port);
        Assert.Equal(6746, s.HttpPort);
        Assert.Equal("./data", s.DataDir);
        Assert.Empty(s.Peers);
        Assert.Equal(TimeSpan.FromSeconds(1), s.Health.HeartbeatInterval);
        Assert.Equal(2, s.Health.SuspicionThreshold);
        Assert.Equal(5, s.Health.FailureThreshold);
        Assert.Equal(5, s.Health.MonitoredPeers);
        Assert.Equal(3, s.Health.IndirectProbes);
        Assert.Equal(TimeSpan.FromMilliseconds(500), s.Clock.MaxOffset);
        Assert.Equal(TimeSpan.FromSeconds(3), s.Election.TimeoutMin);
        Assert.Equal(TimeSpan.FromMilliseconds(4500), s.Election.TimeoutMax);
        Assert.Equal(TimeSpan.FromSeconds(5), s.Bootstrap.SeedNodeTimeout);
        Assert.Equal(5, s.Restart.MaxRestarts);
        Assert.Equal(TimeSpan.FromMinutes(5), s.Restart.Window);
        Assert.Equal(TimeSpan.FromSeconds(10), s.Restart.Backoff);
        Assert.Equal(TimeSpan.FromMinutes(5), s.Restart.MaxBackoff);
    }

    [Fact]
    public void Reference_defaults_equal_the_settings_records_defaults()
    {
        var parsed = ClusterSettings.FromConfig(SolidbConfig.Reference);

        Assert.Equal(new HealthSettings(), parsed.Health);
        Assert.Equal(new ElectionSettings(), parsed.Election);
        Assert.Equal(new ClockSettings(), parsed.Clock);
        Assert.Equal(new BootstrapSettings(), parsed.Bootstrap);
        Assert.Equal(new RestartSettings(), parsed.Restart);
    }

    [Fact]
    public void Every_key_under_solidb_in_the_reference_is_commented()
    {
        var lines = SolidbConfig.ReferenceText.Split('\n').Select(l => l.Trim()).ToList();
        var inSolidb = false;
        var depth = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.StartsWith("solidb {", StringComparison.Ordinal))
            {
                inSolidb = true;
            }

            if (!inSolidb)
            {
                continue;
            }

            depth += line.Count(c => c == '{') - line.Count(c => c == '}');
            if (Regex.IsMatch(line, @"^[a-z-]+\s*=") )
            {
                var j = i - 1;
                while (j >= 0 && lines[j].Length == 0)
                {
                    j--;
                }

                // The comment may sit above a run of related keys; walk up to the first non-key line.
                while (j >= 0 && Regex.IsMatch(lines[j], @"^[a-z-]+\s*="))
                {
                    j--;
                }

                Assert.True(j >= 0 && lines[j].StartsWith('#'), $"key '{line}' has no comment above it");
            }

            if (depth == 0 && line == "}")
            {
                break;
            }
        }
    }
}
