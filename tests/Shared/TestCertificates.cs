using Solidb.Certs;

namespace Solidb.Testing;

/// <summary>The three TLS files of one node.</summary>
public sealed record TlsFiles(string Cert, string Key, string Ca)
{
    /// <summary>The node flags that turn mutual TLS on.</summary>
    public IReadOnlyList<string> Args => ["--tls-cert", Cert, "--tls-key", Key, "--tls-ca", Ca];
}

/// <summary>
/// A CA, node certificates (each naming its node id: run the node under that id) and service
/// certificates (client only), made by solidb-certs (CertsCommand) in a temp dir, removed on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string dir) => Dir = dir;

    public string Dir { get; }

    public string CaCert => Path.Combine(Dir, "ca.crt");

    public static TestCertificates Create(params string[] nodes) => Create(nodes, []);

    public static TestCertificates Create(string[] nodes, string[] services)
    {
        var dir = Path.Combine(Path.GetTempPath(), "solidb-certs-" + Guid.NewGuid().ToString("N")[..8]);
        CertsCommand.Write(new CertsOptions(dir, nodes, services, [], Force: false), new CertificateIssuer(TimeProvider.System));
        return new TestCertificates(dir);
    }

    /// <summary>The files of a node certificate (it names the node id <paramref name="node"/>).</summary>
    public TlsFiles For(string node) => Files(node);

    /// <summary>The files of a service certificate (client only).</summary>
    public TlsFiles ForService(string service) => Files(CertsOptions.ServiceFilePrefix + service);

    private TlsFiles Files(string stem) => new(Path.Combine(Dir, stem + ".crt"), Path.Combine(Dir, stem + ".key"), CaCert);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
    }
}
