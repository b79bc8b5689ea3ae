using System.Net;
using System.Text.RegularExpressions;

namespace Solidb.Certs;

/// <summary>A mistake on the command line or in the output directory; the message is one line.</summary>
public sealed class CertsUsageException(string message) : Exception(message);

/// <summary>What `solidb-certs` was asked for.</summary>
/// <param name="Nodes">Node ids: each gets <c>NAME.crt</c>/<c>NAME.key</c>, a node certificate naming it.</param>
/// <param name="Services">Service names: each gets <c>service-NAME.crt</c>/<c>.key</c>, a client-only service certificate.</param>
public sealed record CertsOptions(string OutDir, IReadOnlyList<string> Nodes, IReadOnlyList<string> Services, IReadOnlyList<string> Hosts, bool Force)
{
    /// <summary>Service files start with this, so a service's files never look like a node's.</summary>
    public const string ServiceFilePrefix = "service-";

    private static readonly Regex Name = new("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant);

    /// <summary>Parses the arguments; null when help was asked for.</summary>
    public static CertsOptions? Parse(IReadOnlyList<string> args)
    {
        string? outDir = null, nodes = null, services = null, hosts = null;
        var force = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var eq = arg.IndexOf('=');
            var name = arg.StartsWith("--", StringComparison.Ordinal) && eq > 0 ? arg[..eq] : arg;
            switch (name)
            {
                case "-h" or "--help":
                    return null;
                case "--force":
                    force = eq < 0 || arg[(eq + 1)..] is "true" or "on"
                        || (arg[(eq + 1)..] is "false" or "off" ? false : throw new CertsUsageException($"invalid value for --force: '{arg[(eq + 1)..]}' (expected true or false)"));
                    continue;
                case "--out" or "--nodes" or "--services" or "--hosts":
                    string value;
                    if (eq > 0)
                    {
                        value = arg[(eq + 1)..];
                    }
                    else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        value = args[++i];
                    }
                    else
                    {
                        throw new CertsUsageException($"option {name} needs a value (see solidb-certs --help)");
                    }

                    _ = name switch
                    {
                        "--out" => outDir = outDir is null ? value : throw Repeated(name),
                        "--nodes" => nodes = nodes is null ? value : throw Repeated(name),
                        "--services" => services = services is null ? value : throw Repeated(name),
                        _ => hosts = hosts is null ? value : throw Repeated(name),
                    };
                    continue;
                default:
                    throw new CertsUsageException(arg.StartsWith('-')
                        ? $"unknown option '{name}' (see solidb-certs --help)"
                        : $"unexpected argument '{arg}' (see solidb-certs --help)");
            }
        }

        if (string.IsNullOrWhiteSpace(outDir))
        {
            throw new CertsUsageException("missing --out DIR (see solidb-certs --help)");
        }

        if (nodes is null && services is null)
        {
            throw new CertsUsageException("missing --nodes LIST (or --services LIST), e.g. --nodes node1,node2,node3");
        }

        List<string> nodeNames = nodes is null ? [] : ParseNames("--nodes", nodes);
        List<string> serviceNames = services is null ? [] : ParseNames("--services", services);
        if (nodeNames.Intersect(serviceNames, StringComparer.OrdinalIgnoreCase).FirstOrDefault() is { } both)
        {
            throw new CertsUsageException($"'{both}' is given as a node (--nodes) and as a service (--services); a name is one or the other");
        }

        if (nodeNames.FirstOrDefault(n => serviceNames.Any(s => string.Equals(n, ServiceFilePrefix + s, StringComparison.OrdinalIgnoreCase))) is { } clash)
        {
            throw new CertsUsageException($"node '{clash}' and service '{clash[ServiceFilePrefix.Length..]}' would both be written to {clash}.crt; rename one");
        }

        return new CertsOptions(outDir, nodeNames, serviceNames, ParseHosts(hosts ?? ""), force);
    }

    /// <summary>The files of each certificate to write, without the .crt/.key extension.</summary>
    public IEnumerable<string> FileStems => Nodes.Concat(Services.Select(s => ServiceFilePrefix + s));

    private static CertsUsageException Repeated(string name) => new($"option {name} is given more than once");

    /// <summary>Node ids and service names follow the node id rule (the certificate's identity URI carries them).</summary>
    private static List<string> ParseNames(string option, string text)
    {
        var what = option == "--nodes" ? "node name" : "service name";
        var names = text.Split(',').Select(n => n.Trim()).ToList();
        foreach (var n in names)
        {
            if (!Name.IsMatch(n) || (option == "--nodes" && n is "ca"))
            {
                throw new CertsUsageException($"invalid value for {option}: '{n}' is no valid {what} (1-64 letters, digits, '.', '_', '-', not starting with '.', '_' or '-'{(option == "--nodes" ? ", not 'ca'" : "")})");
            }
        }

        var duplicate = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? names : throw new CertsUsageException($"invalid value for {option}: '{duplicate.Key}' is listed twice");
    }

    private static List<string> ParseHosts(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var hosts = text.Split(',').Select(h => h.Trim()).ToList();
        foreach (var h in hosts)
        {
            if (!IPAddress.TryParse(h, out _) && Uri.CheckHostName(h) != UriHostNameType.Dns)
            {
                throw new CertsUsageException($"invalid value for --hosts: '{h}' is neither an IP address nor a DNS name");
            }
        }

        return hosts;
    }
}

/// <summary>The `solidb-certs` command: writes ca.crt/ca.key, NAME.crt/NAME.key per node and service-NAME.crt/.key per service (PEM) into --out.</summary>
public static class CertsCommand
{
    public const int ExitOk = 0;
    public const int ExitUsage = 2;

    public const string Help = """
        solidb-certs: creates a private CA, node certificates and service certificates for mutual TLS
        between SoliDB nodes, and between services and the nodes' remote actor API.

        Usage: solidb-certs --out DIR --nodes ID[,ID...] [--services NAME[,NAME...]] [--hosts HOST[,HOST...]] [--force]

          --out DIR        Directory for the files (created if missing). Writes ca.crt and ca.key
                           (unless both exist: then that CA signs the new certificates), NAME.crt and
                           NAME.key for each node, and service-NAME.crt and service-NAME.key for each
                           service. Keys are written with mode 0600.
          --nodes LIST     Node ids, comma-separated. Each node certificate names its node id
                           (URI urn:solidb:node:ID); the node must run with that --node-id.
          --services LIST  Service names, comma-separated (--nodes may then be left out). A service
                           certificate names the service (URI urn:solidb:service:NAME), allows client
                           authentication only and reaches the remote actor API, nothing else.
          --hosts LIST     Extra host names or IP addresses put into every node certificate
                           (127.0.0.1 is always there), e.g. the nodes' --public-host values.
          --force          Overwrite existing node and service files (ca.crt and ca.key are never overwritten).
          -h, --help       Print this help and exit.

        Keys: ECDSA P-256. Validity: 5 years for the CA, 1 year for nodes and services. Node
        certificates carry the serverAuth and clientAuth extended key usages, service certificates
        clientAuth only. Keep ca.key off the nodes: whoever holds it can issue certificates that every
        node accepts. Nodes need ca.crt, ID.crt and ID.key; services ca.crt, service-NAME.crt and .key.
        Example: solidb-certs --out certs --nodes node1,node2,node3 --services billing --hosts db1.example.com,10.0.0.5
        Exit codes: 0 on success, 2 on bad input (one line on stderr), 1 on an unexpected failure.
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        try
        {
            var options = CertsOptions.Parse(args);
            if (options is null)
            {
                stdout.WriteLine(Help);
                return ExitOk;
            }

            foreach (var line in Write(options, new CertificateIssuer(time)))
            {
                stdout.WriteLine(line);
            }

            return ExitOk;
        }
        catch (CertsUsageException e)
        {
            stderr.WriteLine($"solidb-certs: error: {e.Message}");
            return ExitUsage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            stderr.WriteLine($"solidb-certs: error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    /// <summary>Writes the files; returns what it did, one line per file. Checks everything before writing anything.</summary>
    public static IReadOnlyList<string> Write(CertsOptions options, CertificateIssuer issuer)
    {
        var dir = options.OutDir;
        if (File.Exists(dir))
        {
            throw new CertsUsageException($"invalid value for --out: '{dir}' is a file");
        }

        var caCrt = Path.Combine(dir, "ca.crt");
        var caKey = Path.Combine(dir, "ca.key");
        var reuseCa = File.Exists(caCrt) && File.Exists(caKey);
        if (!reuseCa && (File.Exists(caCrt) || File.Exists(caKey)))
        {
            throw new CertsUsageException($"'{(File.Exists(caCrt) ? caCrt : caKey)}' exists without its {(File.Exists(caCrt) ? "key" : "certificate")}; remove it or use another --out");
        }

        if (!options.Force)
        {
            var existing = options.FileStems.SelectMany(n => new[] { $"{n}.crt", $"{n}.key" })
                .Select(f => Path.Combine(dir, f)).FirstOrDefault(File.Exists);
            if (existing is not null)
            {
                throw new CertsUsageException($"'{existing}' exists; refusing to overwrite it (use --force)");
            }
        }

        var log = new List<string>();
        PemPair ca;
        try
        {
            Directory.CreateDirectory(dir);
            if (reuseCa)
            {
                ca = new PemPair(File.ReadAllText(caCrt), File.ReadAllText(caKey));
                log.Add($"using the existing CA {caCrt}");
            }
            else
            {
                ca = issuer.CreateCa();
                WriteFile(caCrt, ca.Certificate, secret: false);
                WriteFile(caKey, ca.PrivateKey, secret: true);
                log.Add($"wrote {caCrt} and {caKey} (keep ca.key off the nodes)");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CertsUsageException($"cannot write to '{dir}': {e.Message}");
        }

        foreach (var node in options.Nodes)
        {
            log.Add(WritePair(dir, node, Issue(dir, () => issuer.CreateNode(ca, node, options.Hosts)), $"node certificate of '{node}'"));
        }

        foreach (var service in options.Services)
        {
            log.Add(WritePair(dir, CertsOptions.ServiceFilePrefix + service, Issue(dir, () => issuer.CreateService(ca, service)),
                $"service certificate of '{service}' (client only)"));
        }

        return log;
    }

    private static PemPair Issue(string dir, Func<PemPair> create)
    {
        try
        {
            return create();
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new CertsUsageException($"cannot use the CA in '{dir}': {e.Message}");
        }
    }

    private static string WritePair(string dir, string stem, PemPair pair, string what)
    {
        WriteFile(Path.Combine(dir, $"{stem}.crt"), pair.Certificate, secret: false);
        WriteFile(Path.Combine(dir, $"{stem}.key"), pair.PrivateKey, secret: true);
        return $"wrote {Path.Combine(dir, stem)}.crt and .key ({what})";
    }

    private static void WriteFile(string path, string text, bool secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = secret
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Write('\n');
        }

        if (!OperatingSystem.IsWindows() && secret)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // also when --force replaced an existing file
        }
    }
}
