using System.Globalization;
using Solidb.Cluster.Configuration;
using Solidb.Node.Cli;

namespace Solidb.Node.Tests.Fuzz;

/// <summary>
/// One generated start of solidb: arguments and environment variables. Values are generated for
/// every option in <see cref="NodeOptions.All"/> (so options added later are fuzzed too), with
/// both <c>--flag=value</c> and <c>--flag value</c>, repeated and unknown flags, and config files
/// made by <see cref="HoconMutator"/> from the reference. Every path it names lies under
/// <c>root</c> or is a fixed system path that cannot be written (/dev, /proc).
/// </summary>
public sealed record CliCase(int Seed, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string> Environment)
{
    private static readonly string[] Anything =
    [
        "", " ", "\t", "\n", "ünïcödé", "节点", "🙂", "\u202Eevil", "a\0b", "\0", "-1", "0", "65536", "2147483648", "-2147483649",
        "99999999999999999999", "1e3", "0x1F", " 80 ", "+80", "--port", "=", "${solidb.node.port}", "\"quoted\"", "a,b", "null",
        "\uD800", "a\r\nb", "'", "\\", "{", "}", "[]", "include \"/etc/passwd\"",
    ];

    private static readonly string[] Unknown = ["--nope", "--Port", "--port-", "-p", "--", "-", "---port", "--node_id", "--NODE-ID", "--help=1", "--=x"];

    public bool HasNul => Args.Any(a => a.Contains('\0')) || Environment.Values.Any(v => v.Contains('\0'));

    public override string ToString() =>
        $"args [{string.Join(", ", Args.Select(Show))}] env {{{string.Join(", ", Environment.Select(e => $"{e.Key}={Show(e.Value)}"))}}}";

    /// <summary>The case of one seed. Ports and data dir default (through the environment) to the given free ones.</summary>
    public static CliCase Generate(int seed, string root, int port, int httpPort)
    {
        var r = new Random(seed);
        Directory.CreateDirectory(root);
        var env = new Dictionary<string, string>
        {
            [NodeOptions.Port.EnvironmentVariable] = port.ToString(CultureInfo.InvariantCulture),
            [NodeOptions.HttpPort.EnvironmentVariable] = httpPort.ToString(CultureInfo.InvariantCulture),
            [NodeOptions.DataDir.EnvironmentVariable] = Path.Combine(root, "data"),
        };
        var args = new List<string>();
        var values = new Values(r, root, port, httpPort);
        var n = r.Next(0, 6);
        for (var k = 0; k < n; k++)
        {
            var option = NodeOptions.All[r.Next(NodeOptions.All.Count)];
            switch (r.Next(30))
            {
                case 0 or 1:
                    args.Add(Unknown[r.Next(Unknown.Length)]);
                    break;
                case 2:
                    args.Add(values.Of(option));
                    break;
                case 3:
                    args.Add(option.Flag);
                    break;
                case 4:
                    args.Add(r.Next(3) switch { 0 => "--help", 1 => "-h", _ => "--version" });
                    break;
                case >= 5 and < 11:
                    env[option.EnvironmentVariable] = values.Of(option);
                    break;
                default:
                    var value = values.Of(option);
                    var times = r.Next(12) == 0 ? 2 : 1;
                    for (var t = 0; t < times; t++)
                    {
                        if (r.Next(2) == 0)
                        {
                            args.Add($"{option.Flag}={value}");
                        }
                        else
                        {
                            args.Add(option.Flag);
                            args.Add(value);
                        }
                    }

                    break;
            }
        }

        return new CliCase(seed, args, env);
    }

    private static string Show(string s) => s.Length > 80 ? $"{Esc(s[..40])}...({s.Length} chars)" : Esc(s);

    private static string Esc(string s) => string.Concat(s.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private sealed class Values(Random r, string root, int port, int httpPort)
    {
        private int _files;

        public string Of(NodeOption option)
        {
            if (r.Next(4) == 0)
            {
                var any = r.Next(10) == 0 ? new string('a', r.Next(300, 100_000)) : Anything[r.Next(Anything.Length)];

                // A relative data dir would land in the tests' working directory: keep it under root.
                return option.ValueName == "DIR" && !string.IsNullOrWhiteSpace(any) ? root + "/" + any : any;
            }

            return option.ValueName switch
            {
                "ID" => Pick("node1", new string('a', 64), new string('a', 65), "-", ".", "..", "a/b", "a b", "ÄÖ", "node-00000000", "N_1.x-"),
                "LIST" => Peers(),
                "ADDR" => Pick("127.0.0.1", "localhost", "0.0.0.0", "::1", "::", "[::1]", "127.0.0.1:80", "256.0.0.1", "192.0.2.77",
                    "example.invalid", new string('a', 300), "-", "..", "a b", "127.1", "0", "::ffff:127.0.0.1", "fe80::1%lo", "localhost.",
                    "LOCALHOST", "a..b", string.Join('.', Enumerable.Repeat(new string('x', 63), 5))),
                "PORT" => Pick(port.ToString(CultureInfo.InvariantCulture), httpPort.ToString(CultureInfo.InvariantCulture), "0", "65535",
                    "65536", "-1", "abc", "6745.0", "0x1a", " 7000", "٣", "+7000", "007000", "2147483647"),
                "LEVEL" => Pick("trace", "debug", "info", "information", "warn", "warning", "error", "INFO", "Error", "verbose", "critical", "none"),
                "FILE" => ConfigPath(),
                "DIR" => DataDir(),
                _ => r.Next(2) == 0 ? ConfigPath() : Anything[r.Next(Anything.Length)],
            };
        }

        private string Pick(params string[] choices) => choices[r.Next(choices.Length)];

        private string Peers()
        {
            string Peer() => Pick("127.0.0.1:1", "127.0.0.1:6745", "a:1", "[::1]:6745", "[:6745", "::1:6745", "a:b:c", "host:", ":", "a:1 b:2",
                "ünïcode:1", "a\0:1", "-:1", "h:0", "h:65536", "h:-1", "h: 1", " h:1 ", "[]:1", "a@b:1", "a/b:1", "h:99999999999999999999");
            return r.Next(8) switch
            {
                0 => string.Join(',', Enumerable.Range(0, r.Next(100, 2000)).Select(i => $"10.0.{i / 250}.{i % 250}:{1 + i}")),
                1 => Pick(",", ",,", "a:1,", ",a:1", "a:1,a:1", "A:1,a:1", "a:1;b:2", "[\"a:1\"]"),
                _ => string.Join(',', Enumerable.Range(0, r.Next(1, 4)).Select(_ => Peer())),
            };
        }

        private string ConfigPath()
        {
            var file = Path.Combine(root, $"fuzz{_files++}.conf");
            switch (r.Next(10))
            {
                case 0:
                    return Pick("/nonexistent/solidb.conf", "/dev/null", "/dev/zero", "/proc/self/status", root, root + "/\0x", "");
                case 1:
                    File.WriteAllText(file, "solidb.node.id = fuzz-node\n");
                    return file;
                default:
                    File.WriteAllBytes(file, HoconMutator.Mutate(SolidbConfig.ReferenceText, r));
                    return file;
            }
        }

        private string DataDir()
        {
            var aFile = Path.Combine(root, "a-file");
            File.WriteAllText(aFile, "x");
            return r.Next(8) switch
            {
                0 => Pick("/dev/null", "/proc/solidb-fuzz", aFile, Path.Combine(aFile, "sub")),
                1 => Path.Combine(root, "a\nb"),
                2 => Path.Combine(root, new string('d', r.Next(200, 5000))),
                3 => Path.Combine(root, "x\0y"),
                4 => root + "/" + string.Join('/', Enumerable.Repeat("..", 1)) + "/" + Path.GetFileName(root) + "/dd",
                _ => Path.Combine(root, "d" + r.Next(1000).ToString(CultureInfo.InvariantCulture)),
            };
        }
    }
}
