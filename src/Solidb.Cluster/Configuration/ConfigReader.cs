using System.Globalization;
using Akka.Configuration;

namespace Solidb.Cluster.Configuration;

/// <summary>Reads typed values from HOCON; every failure names the full key and the raw value.</summary>
internal sealed class ConfigReader(Config config, string root)
{
    public string Key(string path) => $"{root}.{path}";

    public string String(string path)
    {
        var value = Raw(path);
        return value is null || value.IsArray() || value.IsObject()
            ? throw SettingsException.Invalid(Key(path), value, "expected a string")
            : value.GetString() ?? "";
    }

    public int Int(string path, int min, int max)
    {
        var text = String(path);
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
        {
            throw SettingsException.Invalid(Key(path), text, "expected a whole number");
        }

        return n < min || n > max
            ? throw SettingsException.Invalid(Key(path), text, $"must be between {min} and {max}")
            : n;
    }

    /// <summary>on/off, true/false, yes/no (HOCON's booleans; flags and environment variables give them as text).</summary>
    public bool Bool(string path)
    {
        var text = String(path).Trim();
        return text.ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw SettingsException.Invalid(Key(path), text, "expected on or off (true or false)"),
        };
    }

    public TimeSpan Duration(string path, TimeSpan min, TimeSpan max)
    {
        var text = String(path);
        TimeSpan value;
        try
        {
            value = config.GetTimeSpan(Key(path), null, allowInfinite: false);
        }
        catch (Exception)
        {
            throw SettingsException.Invalid(Key(path), text, "expected a duration such as 500ms or 2s");
        }

        return value < min || value > max
            ? throw SettingsException.Invalid(Key(path), text, $"must be between {Show(min)} and {Show(max)}")
            : value;
    }

    /// <summary>A list, or one comma-separated string (as environment variables give it).</summary>
    public IReadOnlyList<string> StringOrList(string path)
    {
        var value = Raw(path);
        if (value is null || value.IsEmpty)
        {
            return [];
        }

        if (value.IsString())
        {
            var text = value.GetString() ?? "";
            return string.IsNullOrWhiteSpace(text) ? [] : text.Split(',');
        }

        try
        {
            return config.GetStringList(Key(path)).ToList();
        }
        catch (Exception)
        {
            throw SettingsException.Invalid(Key(path), value, "expected a list or a comma-separated string");
        }
    }

    private Akka.Configuration.Hocon.HoconValue? Raw(string path)
    {
        try
        {
            return config.HasPath(Key(path)) ? config.GetValue(Key(path)) : throw new SettingsException($"missing setting {Key(path)}");
        }
        catch (SettingsException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new SettingsException($"invalid setting {Key(path)}: {SolidbConfig.OneLine(e.Message)}");
        }
    }

    private static string Show(TimeSpan t) => t.TotalSeconds >= 1 && t.Milliseconds == 0 ? $"{t.TotalSeconds:0}s" : $"{t.TotalMilliseconds:0}ms";
}
