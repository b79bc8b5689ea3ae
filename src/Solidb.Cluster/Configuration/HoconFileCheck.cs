using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Solidb.Cluster.Configuration;

/// <summary>
/// Checks a user's HOCON file beyond what Akka's lenient parser does: Akka accepts unbalanced
/// braces, unterminated strings and unknown keys silently, which would start a node on values
/// the operator never meant. Here they stop start-up with the line at fault.
/// </summary>
internal static class HoconFileCheck
{
    /// <summary>The first structural problem (unbalanced brackets, unterminated string), or null.</summary>
    public static string? SyntaxError(string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case '"' when string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0:
                    var end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        return $"line {line}: unterminated \"\"\" string";
                    }

                    line += text.AsSpan(i, end - i).Count('\n');
                    i = end + 2;
                    break;
                case '"':
                    for (i++; ; i++)
                    {
                        if (i >= text.Length || text[i] == '\n')
                        {
                            return $"line {line}: unterminated string";
                        }

                        if (text[i] == '\\')
                        {
                            i++;
                        }
                        else if (text[i] == '"')
                        {
                            break;
                        }
                    }

                    break;
                case '{' or '[':
                    open.Push((c, line));
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0 || open.Peek().Bracket != expected)
                    {
                        return $"line {line}: unexpected '{c}'";
                    }

                    open.Pop();
                    break;
            }
        }

        return open.Count == 0 ? null : $"line {open.Peek().Line}: '{open.Peek().Bracket}' is never closed";
    }

    /// <summary>Keys under <c>solidb</c> that the reference does not know (typos), sorted.</summary>
    public static IReadOnlyList<string> UnknownSolidbKeys(Config user, Config reference)
    {
        var unknown = new List<string>();
        if (user.Root?.GetObject()?.Items.TryGetValue(ClusterSettings.Root, out var solidb) == true)
        {
            Walk(solidb, ClusterSettings.Root, reference, unknown);
        }

        unknown.Sort(StringComparer.Ordinal);
        return unknown;
    }

    private static void Walk(HoconValue value, string path, Config reference, List<string> unknown)
    {
        if (!reference.HasPath(path))
        {
            unknown.Add(path);
            return;
        }

        if (value.IsObject() && reference.GetValue(path).IsObject())
        {
            foreach (var (key, child) in value.GetObject().Items)
            {
                Walk(child, $"{path}.{key}", reference, unknown);
            }
        }
    }
}
