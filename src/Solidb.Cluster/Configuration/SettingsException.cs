namespace Solidb.Cluster.Configuration;

/// <summary>
/// A configuration problem a user can fix: the message is one line that names the key (or
/// file, or flag) and the value. Hosts print it without a stack trace. User text in it is
/// escaped (<see cref="UserText"/>), so the message stays one line whatever the input was.
/// </summary>
public sealed class SettingsException : Exception
{
    public SettingsException(string message) : base(UserText.OneLine(message))
    {
    }

    private SettingsException(string key, string detail) : base(UserText.OneLine($"invalid value for {key}: {detail}"))
    {
        Key = key;
        Detail = UserText.OneLine(detail);
    }

    /// <summary>The HOCON key at fault, when one is.</summary>
    public string? Key { get; }

    public string? Detail { get; }

    public static SettingsException Invalid(string key, object? value, string why) => new(key, $"'{UserText.Value(value)}' ({why})");

    public static SettingsException Invalid(string key, string detail) => new(key, detail);

    /// <summary>The same problem, naming where the value came from (a flag or variable) instead of the key.</summary>
    public SettingsException Relabel(string source) => Key is null ? this : new SettingsException(source, Detail!);
}
