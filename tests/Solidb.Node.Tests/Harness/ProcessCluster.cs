using System.Text.Json;

namespace Solidb.Node.Tests.Harness;

/// <summary>N solidb processes on free ports that list each other as peers, each with its own data dir.</summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private readonly TempDir _root = new();

    private readonly Func<int, IEnumerable<string>> _perNode;

    private ProcessCluster(IReadOnlyList<(int Port, int Http)> ports, IEnumerable<string> extraArgs, Func<int, IEnumerable<string>>? perNode = null)
    {
        _perNode = perNode ?? (_ => []);
        Ports = ports;
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        ExtraArgs = ["--cluster-peers", peers, .. extraArgs];
        Nodes = ports.Select((p, i) => StartNode(i)).ToList();
    }

    public IReadOnlyList<(int Port, int Http)> Ports { get; }
    public IReadOnlyList<string> ExtraArgs { get; }
    public List<SolidbProcess> Nodes { get; }

    public static ProcessCluster Start(int size, params string[] extraArgs) =>
        new(Enumerable.Range(0, size).Select(_ => (FreePorts.Next(), FreePorts.Next())).ToList(), extraArgs);

    /// <summary>Starts nodes that also get arguments of their own (e.g. each node's TLS certificate).</summary>
    public static ProcessCluster Start(int size, Func<int, IEnumerable<string>> perNode, params string[] extraArgs) =>
        new(Enumerable.Range(0, size).Select(_ => (FreePorts.Next(), FreePorts.Next())).ToList(), extraArgs, perNode);

    public static string NodeIdOf(int index) => $"node{index + 1}";

    /// <summary>Starts node i again (same id, ports and data dir) after it exited.</summary>
    public SolidbProcess Restart(int index) => Nodes[index] = StartNode(index);

    /// <summary>Every running node's status, or null for a node that does not answer.</summary>
    public Task<JsonElement?[]> StatusesAsync() =>
        Task.WhenAll(Nodes.Where(n => !n.HasExited).Select(n => n.TryStatusAsync()));

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
        _root.Sub(NodeIdOf(index)), Ports[index].Port, Ports[index].Http);
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
