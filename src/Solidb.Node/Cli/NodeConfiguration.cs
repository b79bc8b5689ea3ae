using Akka.Configuration;
using Solidb.Cluster.Configuration;

namespace Solidb.Node.Cli;

/// <summary>Layers flags > environment > config file > reference and parses the settings once.</summary>
public static class NodeConfiguration
{
    public sealed record Loaded(Config Layered, ClusterSettings Settings);

    public static Loaded Load(CommandLine cli, Func<string, string?> environment)
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var overrides = new List<KeyValuePair<string, string>>();
        foreach (var option in NodeOptions.All.Where(o => o.ConfigKey is not null))
        {
            if (cli.Values.TryGetValue(option, out var flagValue))
            {
                overrides.Add(new(option.ConfigKey!, flagValue));
                sources[option.ConfigKey!] = option.Flag;
            }
            else if (environment(option.EnvironmentVariable) is { Length: > 0 } envValue)
            {
                overrides.Add(new(option.ConfigKey!, envValue));
                sources[option.ConfigKey!] = option.EnvironmentVariable;
            }
        }

        var file = cli.Values.GetValueOrDefault(NodeOptions.Config) ?? environment(NodeOptions.Config.EnvironmentVariable);
        var baseConfig = string.IsNullOrEmpty(file)
            ? SolidbConfig.Reference
            : SolidbConfig.LoadFile(file).WithFallback(SolidbConfig.Reference);
        var layered = SolidbConfig.WithOverrides(baseConfig, overrides);
        try
        {
            return new Loaded(layered, ClusterSettings.FromConfig(layered));
        }
        catch (SettingsException e) when (e.Key is not null && sources.TryGetValue(e.Key, out var source))
        {
            throw e.Relabel(source);
        }
    }
}
