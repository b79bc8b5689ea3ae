using Solidb.Certs;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `--tls` for the cluster harnesses: each run is measured twice in the same invocation, without
/// and with mutual TLS (certificates made by solidb-certs once per invocation), so the two are
/// compared on the same machine state.
/// </summary>
internal sealed class BenchTls : IDisposable
{
    private readonly TempDir _dir = new("solidb-bench-certs-");

    private BenchTls() =>
        CertsCommand.Write(new CertsOptions(_dir.Path, ["solo", "node1", "node2", "node3"], [], [], Force: false), new CertificateIssuer(TimeProvider.System));

    /// <summary>The modes to measure: plain only, or plain and TLS when args hold --tls (which is removed from args).</summary>
    public static (string[] Args, BenchTls? Tls) Parse(string[] args) =>
        args.Contains("--tls") ? (args.Where(a => a != "--tls").ToArray(), new BenchTls()) : (args, null);

    /// <summary>The flags that give a node its certificate.</summary>
    public string[] Args(string nodeId) =>
        ["--tls-cert", Path.Combine(_dir.Path, nodeId + ".crt"), "--tls-key", Path.Combine(_dir.Path, nodeId + ".key"),
         "--tls-ca", Path.Combine(_dir.Path, "ca.crt")];

    public void Dispose() => _dir.Dispose();
}
