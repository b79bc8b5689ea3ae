using System.Text;

namespace Solidb.Cluster.Configuration;

/// <summary>
/// User input inside a one-line error message: control characters (line breaks, NUL) and lone
/// surrogates escaped as \uXXXX, and quoted values cut to a readable length.
/// </summary>
public static class UserText
{
    /// <summary>Longest value an error message quotes in full.</summary>
    public const int MaxQuoted = 200;

    /// <summary>The text with every control character and lone surrogate escaped: always one printable line.</summary>
    public static string OneLine(string text)
    {
        if (!text.Any(c => char.IsControl(c) || char.IsSurrogate(c)))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
            }
            else if (char.IsControl(c) || char.IsSurrogate(c))
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>A value to quote in a message: one line, and cut after <see cref="MaxQuoted"/> characters.</summary>
    public static string Value(object? value)
    {
        var text = value?.ToString() ?? "";
        return text.Length <= MaxQuoted ? OneLine(text) : $"{OneLine(text[..MaxQuoted])}...({text.Length} chars)";
    }
}
