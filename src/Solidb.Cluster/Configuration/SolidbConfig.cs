using System.Globalization;
using System.Text;
using Akka.Configuration;

namespace Solidb.Cluster.Configuration;

/// <summary>Loads and layers HOCON: overrides > config file > embedded reference (hocon/solidb.conf).</summary>
public static class SolidbConfig
{
    private const string ResourceName = "Solidb.Cluster.solidb.conf";
    private static readonly Lazy<Config> LazyReference = new(LoadReference);

    /// <summary>The embedded reference configuration, parsed once.</summary>
    public static Config Reference => LazyReference.Value;

    /// <summary>The reference text, as shipped (for docs and `--print-config`).</summary>
    public static string ReferenceText
    {
        get
        {
            using var stream = typeof(SolidbConfig).Assembly.GetManifestResourceStream(ResourceName)
                ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Largest config file read (the reference is about 10 KB); /dev/zero and the like are refused, not read forever.</summary>
    public const int MaxFileChars = 1 << 20;

    /// <summary>Reads a user config file; any problem becomes a one-line <see cref="SettingsException"/>.</summary>
    public static Config LoadFile(string path)
    {
        string text;
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[MaxFileChars + 1];
            var read = reader.ReadBlock(buffer, 0, buffer.Length);
            if (read > MaxFileChars)
            {
                throw new SettingsException($"invalid config file '{path}': larger than {MaxFileChars / 1024} KiB");
            }

            text = new string(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SettingsException($"cannot read config file '{path}': {OneLine(e.Message)}");
        }

        if (HoconFileCheck.SyntaxError(text) is { } syntax)
        {
            throw new SettingsException($"invalid config file '{path}': {syntax}");
        }

        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(text);
        }
        catch (Exception e)
        {
            throw new SettingsException($"invalid config file '{path}': {OneLine(e.Message)}");
        }

        var unknown = HoconFileCheck.UnknownSolidbKeys(config, Reference);
        return unknown.Count == 0
            ? config
            : throw new SettingsException($"invalid config file '{path}': unknown setting {unknown[0]}" +
                (unknown.Count > 1 ? $" (and {unknown.Count - 1} more)" : "") + "; see hocon/solidb.conf for the keys");
    }

    /// <summary>Layers the given overrides (HOCON path -> value) over a config.</summary>
    public static Config WithOverrides(Config config, IEnumerable<KeyValuePair<string, string>> overrides)
    {
        var hocon = new StringBuilder();
        foreach (var (path, value) in overrides)
        {
            hocon.Append(path).Append(" = ").Append(Quote(value)).Append('\n');
        }

        return hocon.Length == 0 ? config : ConfigurationFactory.ParseString(hocon.ToString()).WithFallback(config);
    }

    /// <summary>A HOCON string literal: every value passes through as text, never as HOCON syntax.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                '\n' => sb.Append("\\n"),
                '\r' => sb.Append("\\r"),
                '\t' => sb.Append("\\t"),
                _ when char.IsControl(c) => sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.Append('"').ToString();
    }

    internal static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static Config LoadReference() => ConfigurationFactory.ParseString(ReferenceText);
}
