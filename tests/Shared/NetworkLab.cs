using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Solidb.Testing;

/// <summary>
/// Hosts on separate Linux network namespaces, each with one veth into a bridge in the root
/// namespace (10.77.S.i/24, the bridge 10.77.S.254): a process started with <see cref="Wrapper"/>
/// runs on its host's address, and the root namespace (the test) reaches every host through the
/// bridge. A link between two hosts is cut with a blackhole route on both sides (iproute2 only),
/// so each host still reaches every other host and the test. Needs root and <c>ip</c>;
/// <see cref="Unavailable"/> says why not. Dispose kills what still runs in the namespaces and
/// removes them and the bridge; a lab left behind by a crashed run is removed by the next one.
/// </summary>
public sealed partial class NetworkLab : IDisposable
{
    /// <summary>Every name starts with this, then the owning process id and the lab number (hex).</summary>
    private const string Prefix = "sdb";

    private static readonly Lazy<string?> Missing = new(Probe);
    private static int _labs;
    private readonly string _tag;
    private readonly HashSet<(int, int)> _cuts = [];
    private bool _disposed;

    private NetworkLab(int subnet)
    {
        Subnet = subnet;
        _tag = $"{Prefix}{Environment.ProcessId:x6}{Interlocked.Increment(ref _labs) % 256:x2}";
        Bridge = _tag + "b";
    }

    /// <summary>Null when labs can be built here, else the reason (for a test's Skip).</summary>
    public static string? Unavailable => Missing.Value;

    /// <summary>The third octet of this lab's 10.77.S.0/24.</summary>
    public int Subnet { get; }

    public string Bridge { get; }

    /// <summary>Hosts added so far; host i (from 0) has the address 10.77.S.(i+1).</summary>
    public int Count { get; private set; }

    /// <summary>Creates the bridge and <paramref name="hosts"/> hosts on a /24 no interface uses yet.</summary>
    public static NetworkLab Create(int hosts)
    {
        SweepOrphans();
        NetworkLab lab;
        // Two test processes choosing a subnet at once would pick the same one.
        using (AcquireMachineLock())
        {
            var used = Ip("-4", "-o", "addr", "show");
            var subnet = Enumerable.Range(0, 254).First(s => !used.Contains($" 10.77.{s}.", StringComparison.Ordinal));
            lab = new NetworkLab(subnet);
            try
            {
                Ip("link", "add", lab.Bridge, "type", "bridge");
                Ip("addr", "add", $"10.77.{subnet}.254/24", "dev", lab.Bridge);
                Ip("link", "set", lab.Bridge, "up");
            }
            catch
            {
                lab.Dispose();
                throw;
            }
        }

        try
        {
            for (var i = 0; i < hosts; i++)
            {
                lab.AddHost();
            }
        }
        catch
        {
            lab.Dispose();
            throw;
        }

        return lab;
    }

    public string Namespace(int host) => $"{_tag}n{host}";

    public string Address(int host) => $"10.77.{Subnet}.{host + 1}";

    /// <summary>The command prefix that runs a program in host i's namespace.</summary>
    public IReadOnlyList<string> Wrapper(int host) => ["ip", "netns", "exec", Namespace(host)];

    /// <summary>Adds one host (namespace, veth into the bridge, address) and returns its index.</summary>
    public int AddHost()
    {
        var host = Count;
        if (host >= 250)
        {
            throw new InvalidOperationException("a lab has at most 250 hosts");
        }

        var ns = Namespace(host);
        var veth = $"{_tag}v{host}";
        Ip("netns", "add", ns);
        Count++;
        Ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Ip("link", "set", veth, "master", Bridge, "up");
        Ip("-n", ns, "addr", "add", Address(host) + "/24", "dev", "eth0");
        Ip("-n", ns, "link", "set", "eth0", "up");
        Ip("-n", ns, "link", "set", "lo", "up");
        return host;
    }

    /// <summary>Cuts the link between hosts a and b in both directions; both still reach every other host.</summary>
    public void Cut(int a, int b)
    {
        var key = Key(a, b);
        if (_cuts.Add(key))
        {
            Ip("-n", Namespace(a), "route", "add", "blackhole", Address(b) + "/32");
            Ip("-n", Namespace(b), "route", "add", "blackhole", Address(a) + "/32");
        }
    }

    public void Heal(int a, int b)
    {
        if (_cuts.Remove(Key(a, b)))
        {
            Ip("-n", Namespace(a), "route", "del", "blackhole", Address(b) + "/32");
            Ip("-n", Namespace(b), "route", "del", "blackhole", Address(a) + "/32");
        }
    }

    /// <summary>Cuts host h off from every other host (the test still reaches it).</summary>
    public void Isolate(int h)
    {
        foreach (var other in Enumerable.Range(0, Count).Where(o => o != h))
        {
            Cut(h, other);
        }
    }

    public void HealAll()
    {
        foreach (var (a, b) in _cuts.ToList())
        {
            Heal(a, b);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var host = 0; host < Count; host++)
        {
            RemoveNamespace(Namespace(host));
            // A namespace lingers (unnamed) while the kernel still holds sockets of its killed
            // processes, e.g. ones retransmitting over a cut link; deleting the root end of the
            // veth pair removes both ends at once.
            TryIp("link", "del", $"{_tag}v{host}");
        }

        TryIp("link", "del", Bridge);
    }

    private static (int, int) Key(int a, int b) => a == b
        ? throw new ArgumentException($"host {a} cannot be cut from itself")
        : (Math.Min(a, b), Math.Max(a, b));

    private static void RemoveNamespace(string ns)
    {
        // A namespace outlives `ip netns del` while a process runs in it.
        foreach (var pid in TryIp("netns", "pids", ns).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using var p = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                p.Kill(entireProcessTree: true);
                p.WaitForExit(TimeSpan.FromSeconds(10));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
            {
                // Already gone.
            }
        }

        TryIp("netns", "del", ns);
    }

    /// <summary>Removes namespaces and bridges whose owning test process no longer runs.</summary>
    private static void SweepOrphans()
    {
        var namespaces = TryIp("netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]);
        foreach (var ns in namespaces.Where(IsOrphan))
        {
            RemoveNamespace(ns);
        }

        var links = LinkName().Matches(TryIp("-o", "link", "show")).Select(m => m.Groups[1].Value);
        foreach (var link in links.Where(IsOrphan))
        {
            TryIp("link", "del", link);
        }
    }

    private static bool IsOrphan(string name)
    {
        var m = OwnedName().Match(name);
        return m.Success && !Directory.Exists($"/proc/{int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)}");
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces are Linux only";
        }

        if (Environment.UserName != "root")
        {
            return "needs root for ip netns (run the tests as root)";
        }

        try
        {
            using var lab = Create(2);
            lab.Cut(0, 1);
            lab.Heal(0, 1);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"cannot build network namespaces here: {e.Message}";
        }
    }

    private static FileStream AcquireMachineLock()
    {
        var path = Path.Combine(Path.GetTempPath(), "solidb-network-lab.lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 200)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static string TryIp(params string[] args)
    {
        try
        {
            return Ip(args);
        }
        catch (InvalidOperationException)
        {
            return "";
        }
    }

    /// <summary>Runs ip with the arguments; throws with its stderr when it fails.</summary>
    private static string Ip(params string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info) ?? throw new InvalidOperationException("cannot start ip");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            p.Kill();
            throw new InvalidOperationException($"ip {string.Join(' ', args)} did not finish within 30 s");
        }

        return p.ExitCode == 0
            ? stdout
            : throw new InvalidOperationException($"ip {string.Join(' ', args)} failed with exit code {p.ExitCode}: {stderr.Result.Trim()}");
    }

    [GeneratedRegex(@"^\d+: ([^:@\s]+)[:@]", RegexOptions.Multiline)]
    private static partial Regex LinkName();

    [GeneratedRegex(@"^sdb([0-9a-f]{6})[0-9a-f]{2}[bnv]\d*$")]
    private static partial Regex OwnedName();
}
