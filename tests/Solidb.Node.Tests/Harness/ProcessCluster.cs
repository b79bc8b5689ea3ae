using System.Text.Json;

namespace Solidb.Node.Tests.Harness;

/// <summary>
/// N solidb processes that list each other as peers, each with its own data dir: on free loopback
/// ports, or each on its own host of a <see cref="NetworkLab"/> (network namespace) with
/// <c>--insecure</c>, so links between them can be cut.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    /// <summary>The ports of a node on its own namespace: nothing else listens there.</summary>
    private const int NamespacePort = 6745;

    private readonly TempDir _root = new();

    private readonly Func<int, IEnumerable<string>> _perNode;
    private readonly Func<int, IReadOnlyDictionary<string, string>?> _environment;
    private readonly NetworkLab? _lab;
    private readonly List<(int Port, int Http)> _ports;

    private ProcessCluster(IReadOnlyList<(int Port, int Http)> ports, IEnumerable<string> extraArgs, Func<int, IEnumerable<string>>? perNode = null,
        NetworkLab? lab = null, Func<int, IReadOnlyDictionary<string, string>?>? environment = null)
    {
        _perNode = perNode ?? (_ => []);
        _environment = environment ?? (_ => null);
        _lab = lab;
        _ports = [.. ports];
        var peers = string.Join(",", ports.Select((p, i) => $"{HostOf(i)}:{p.Port}"));
        ExtraArgs = ["--cluster-peers", peers, .. (lab is null ? Array.Empty<string>() : ["--insecure"]), .. extraArgs];
        Nodes = ports.Select((p, i) => StartNode(i)).ToList();
    }

    public IReadOnlyList<(int Port, int Http)> Ports => _ports;
    public IReadOnlyList<string> ExtraArgs { get; }
    public List<SolidbProcess> Nodes { get; }

    public static ProcessCluster Start(int size, params string[] extraArgs) =>
        new(Enumerable.Range(0, size).Select(_ => (FreePorts.Next(), FreePorts.Next())).ToList(), extraArgs);

    /// <summary>Starts nodes that also get arguments of their own (e.g. each node's TLS certificate).</summary>
    public static ProcessCluster Start(int size, Func<int, IEnumerable<string>> perNode, params string[] extraArgs) =>
        new(Enumerable.Range(0, size).Select(_ => (FreePorts.Next(), FreePorts.Next())).ToList(), extraArgs, perNode);

    /// <summary>
    /// Starts one node per entry of <paramref name="ports"/> (Akka.Remote and HTTP port; node i on
    /// ports[i], so the caller knows which is the lowest address), each with the extra environment
    /// <paramref name="environment"/> gives it (e.g. <see cref="ClockShift.Environment"/>; null: none), also on restarts.
    /// </summary>
    public static ProcessCluster StartWithEnvironment(IReadOnlyList<(int Port, int Http)> ports,
        Func<int, IReadOnlyDictionary<string, string>?> environment, params string[] extraArgs) =>
        new(ports, extraArgs, environment: environment);

    /// <summary>
    /// Starts <paramref name="size"/> nodes on the first hosts of <paramref name="lab"/> (which must
    /// have them), one per network namespace; the lab outlives the cluster (dispose it after).
    /// </summary>
    public static ProcessCluster StartIn(NetworkLab lab, int size, params string[] extraArgs) =>
        lab.Count < size
            ? throw new ArgumentException($"the lab has {lab.Count} hosts, {size} needed")
            : new(Enumerable.Repeat((NamespacePort, NamespacePort + 1), size).ToList(), extraArgs, lab: lab);

    public static string NodeIdOf(int index) => $"node{index + 1}";

    /// <summary>
    /// Starts one more node (the next id) that lists the cluster's original nodes as its peers and
    /// is not among theirs, as a node added to a running cluster is; on a new lab host for a lab cluster.
    /// </summary>
    public SolidbProcess AddNode()
    {
        var index = Nodes.Count;
        if (_lab is not null && _lab.AddHost() != index)
        {
            throw new InvalidOperationException("the lab's hosts and the cluster's nodes must match one to one");
        }

        _ports.Add(_lab is null ? (FreePorts.Next(), FreePorts.Next()) : (NamespacePort, NamespacePort + 1));
        Nodes.Add(StartNode(index));
        return Nodes[index];
    }

    /// <summary>Where node i listens: its lab host, or loopback.</summary>
    public string HostOf(int index) => _lab?.Address(index) ?? "127.0.0.1";

    /// <summary>Starts node i again (same id, ports and data dir) after it exited.</summary>
    public SolidbProcess Restart(int index) => Nodes[index] = StartNode(index);

    /// <summary>Every running node's status, or null for a node that does not answer.</summary>
    public Task<JsonElement?[]> StatusesAsync() =>
        Task.WhenAll(Nodes.Where(n => !n.HasExited).Select(n => n.TryStatusAsync()));

    /// <summary>
    /// Until every running node logged that its cluster is established: each new incarnation checks, half a formation
    /// lease after it formed or joined a cluster, that a majority of the configured nodes is Up in it, and abandons it
    /// otherwise (docs/election.md, the formation vote). A test that removes members (downs, leaves) below a majority of
    /// the configured nodes waits for this first, or the survivors restart into no cluster by design.
    /// </summary>
    public Task EstablishedAsync(TimeSpan bound) =>
        Until.True(() => Task.FromResult(Nodes.Where(n => !n.HasExited).All(n => n.StdOut.Contains("The cluster is established", StringComparison.Ordinal))), bound);

    /// <summary>True when every running node lists exactly the running nodes, all Active, under one leader.</summary>
    public async Task<bool> AgreeOnOneLeaderAsync()
    {
        var expected = Nodes.Select((n, i) => (n, i)).Where(x => !x.n.HasExited).Select(x => NodeIdOf(x.i)).Order().ToList();
        var statuses = await StatusesAsync();
        if (statuses.Any(s => s is null))
        {
            return false;
        }

        var leaders = statuses.Select(s => s!.Value.GetProperty("leader").GetString()).Distinct().ToList();
        return leaders is [not null]
            && statuses.All(s => s!.Value.GetProperty("members").EnumerateArray()
                .Where(m => m.GetProperty("state").GetString() == "Active")
                .Select(m => m.GetProperty("node_id").GetString()).Order().SequenceEqual(expected));
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
        _root.Dispose();
    }

    private SolidbProcess StartNode(int index) => SolidbProcess.Start(
        ["--node-id", NodeIdOf(index), .. ExtraArgs, .. _perNode(index)],
        _root.Sub(NodeIdOf(index)), Ports[index].Port, Ports[index].Http, environment: _environment(index),
        wrapper: _lab?.Wrapper(index), host: _lab is null ? null : HostOf(index));
}

/// <summary>A temporary directory removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "solidb-test-" + Guid.NewGuid().ToString("N")[..8]);

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
    }
}
