using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace Solidb.Cluster.Configuration;

/// <summary>
/// Checks a user's HOCON file beyond what Akka's lenient parser does: Akka accepts unbalanced
/// braces, unterminated strings and unknown keys silently, which would start a node on values
/// the operator never meant. Here they stop start-up with the line at fault.
/// Beyond syntax, a config file may not use what Akka's parser gets wrong: <c>include</c>
/// (NullReferenceException, and it would read arbitrary files), substitutions <c>${...}</c>
/// (a cycle such as <c>a = ${a}</c> overflows the stack, which no catch survives) and
/// nesting deeper than <see cref="MaxDepth"/> (deep nesting overflows the parser's stack).
/// </summary>
internal static class HoconFileCheck
{
    /// <summary>Deepest nesting of objects, arrays and dotted key segments a config file may have.</summary>
    public const int MaxDepth = 64;

    /// <summary>The first structural problem (unbalanced brackets, unterminated string, include, substitution, nesting), or null.</summary>
    public static string? SyntaxError(string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        var dots = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '.')
            {
                dots = char.IsWhiteSpace(c) || c is '{' or '}' or '[' or ']' or '=' or ':' or ',' or '"' ? 0 : dots;
            }
            else if (open.Count + ++dots > MaxDepth)
            {
                return $"line {line}: nested deeper than {MaxDepth} levels";
            }

            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '$' when i + 1 < text.Length && text[i + 1] == '{':
                    return $"line {line}: substitutions (${{...}}) are not supported in a config file; write the value itself " +
                        "(or set it with a flag or environment variable)";
                case 'i' when IsIncludeDirective(text, i):
                    return $"line {line}: include is not supported in a config file; give one file with --config";
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
                    if (open.Count > MaxDepth)
                    {
                        return $"line {line}: nested deeper than {MaxDepth} levels";
                    }

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

    /// <summary>An unquoted <c>include</c> where a key may start (line start, after '{' or ','), followed by a blank or a quote.</summary>
    private static bool IsIncludeDirective(string text, int i)
    {
        const string Include = "include";
        if (string.CompareOrdinal(text, i, Include, 0, Include.Length) != 0
            || i + Include.Length >= text.Length
            || !(char.IsWhiteSpace(text[i + Include.Length]) || text[i + Include.Length] == '"'))
        {
            return false;
        }

        var j = i - 1;
        while (j >= 0 && text[j] is ' ' or '\t' or '\uFEFF')
        {
            j--;
        }

        return j < 0 || text[j] is '\n' or '\r' or '{' or ',';
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
