using System.Text;

namespace Solidb.Testing;

/// <summary>
/// Seeded mutations of a HOCON text (the fuzz tests start from hocon/solidb.conf): deleted,
/// duplicated and truncated lines, values of the wrong type, stray brackets and quotes,
/// include directives, substitutions, BOMs, deep nesting, huge files and binary garbage.
/// The same seed gives the same bytes.
/// </summary>
public static class HoconMutator
{
    private static readonly string[] Values =
    [
        "\"str\"", "[1, 2]", "{ a = 1 }", "-1", "0", "99999999999999999999", "-2147483649", "1.5", "true", "null", "\"\"", "\" \"",
        "1d", "5 minutes", "1 s", "-5s", "infinite", "NaN", "0ms", "1ns", "9999999999999999d", "${solidb.node.port}",
        "${?HOME}", "${nope}", "${?nope}", "\"\\u0000\"", "\"a\\nb\"", "\"ünïcödé-节点\"", "\"\\uD800\"", "[]", "{}", "[[[]]]",
        "\"127.0.0.1:1, 127.0.0.1:1\"", "[\"a:1\", 5]", "[\"a:1\", [\"b:2\"]]", "\"/nonexistent/dir/x\"", "\"/dev/null\"",
    ];

    private static readonly string[] Lines =
    [
        "include \"/etc/passwd\"", "include file(\"/etc/hostname\")", "include required(\"nope.conf\")", "include url(\"http://127.0.0.1:1/x\")",
        "solidb.node.port = ${solidb.node.port}", "solidb.node.id = ${solidb.node.host}", "solidb.node.port = ${solidb.node.http-port}",
        "a = ${b}\nb = ${a}", "solidb.node.data-dir = ${?HOME}", "solidb.unknown-key = 1", "solidb.node += 1", "solidb.node.port += 1",
        "solidb = null", "solidb.node = 5", "solidb { node { } }", "akka.actor.provider = 5", "\"solidb.node.port\" = 1",
        "solidb.node.\"\" = 1", "solidb..node = 1", "= 1", "solidb.node.cluster-peers = [\"127.0.0.1:1\", \"127.0.0.1:1\"]",
        "solidb.health.failure-threshold = 1", "solidb.election.timeout-min = 10ms", "solidb.node.host = \"\"",
    ];

    private const string Specials = "{}[]\"=:,#$\\\n\t+.?/";

    public static byte[] Mutate(string text, Random r)
    {
        if (r.Next(40) == 0)
        {
            var garbage = new byte[r.Next(1, 4096)];
            r.NextBytes(garbage);
            return garbage;
        }

        var lines = text.Split('\n').ToList();
        var count = r.Next(1, 5);
        var bom = false;
        for (var m = 0; m < count; m++)
        {
            var i = r.Next(lines.Count);
            switch (r.Next(13))
            {
                case 0:
                    lines.RemoveAt(i);
                    break;
                case 1:
                    lines.Insert(i, lines[i]);
                    break;
                case 2 or 3 or 4:
                    lines[i] = ChangeValue(lines[i], r);
                    break;
                case 5:
                    lines[i] = lines[i].Insert(r.Next(lines[i].Length + 1), Specials[r.Next(Specials.Length)].ToString());
                    break;
                case 6 or 7:
                    lines.Insert(i, Lines[r.Next(Lines.Length)]);
                    break;
                case 8:
                    bom = true;
                    break;
                case 9:
                    lines.Insert(i, Deep(r));
                    break;
                case 10:
                    var cut = lines[i];
                    lines.RemoveRange(i, lines.Count - i);
                    lines.Add(cut[..r.Next(cut.Length + 1)]);
                    break;
                case 11:
                    (lines[i], lines[r.Next(lines.Count)]) = (lines[r.Next(lines.Count)], lines[i]);
                    break;
                case 12:
                    if (r.Next(8) == 0 && lines.Sum(l => l.Length) < 64 * 1024)
                    {
                        // Huge: the same text many times over (a few MB), once.
                        var huge = lines.ToList();
                        lines = Enumerable.Range(0, r.Next(50, 600)).SelectMany(_ => huge).ToList();
                    }

                    break;
            }

            if (lines.Count == 0)
            {
                lines.Add("");
            }
        }

        var bytes = Encoding.UTF8.GetBytes(string.Join('\n', lines));
        return bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes;
    }

    private static string ChangeValue(string line, Random r)
    {
        var eq = line.IndexOf('=');
        return eq < 0 ? line : line[..(eq + 1)] + " " + Values[r.Next(Values.Length)];
    }

    private static string Deep(Random r)
    {
        var depth = r.Next(2) == 0 ? r.Next(10, 200) : r.Next(1000, 100_000);
        return r.Next(4) switch
        {
            0 => "solidb " + string.Concat(Enumerable.Repeat("{ a ", depth)) + "= 1" + new string('}', depth),
            1 => "akka.x = " + new string('[', depth) + new string(']', depth),
            2 => "akka" + string.Concat(Enumerable.Repeat(".a", depth)) + " = 1",
            _ => "solidb.node.id = " + string.Concat(Enumerable.Repeat("{ a = ", depth)) + "1" + new string('}', depth),
        };
    }
}
